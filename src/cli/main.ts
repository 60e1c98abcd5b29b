#!/usr/bin/env node
import { callCommand } from './call-command.js';
import { serveCommand } from './serve-command.js';
import { workerCommand } from './worker-command.js';

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<void>>> = {
  serve: serveCommand,
  call: callCommand,
  worker: workerCommand,
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  process.stderr.write(`Usage: sluice <${Object.keys(COMMANDS).join('|')}> …\n`);
  process.exitCode = 2;
} else {
  try {
    await command(rest);
  } catch (error) {
    process.stderr.write(
      `sluice ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

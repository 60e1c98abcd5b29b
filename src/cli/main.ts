#!/usr/bin/env node
type Command = (argv: readonly string[]) => Promise<void>;

// Each subcommand loads only when it runs: `call` needs the client alone, and importing
// the server (Fastify, pino, BullMQ, ioredis, esbuild, prom-client) would cost it seconds.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand,
  call: async () => (await import('./call-command.js')).callCommand,
  worker: async () => (await import('./worker-command.js')).workerCommand,
};

const [name, ...rest] = process.argv.slice(2);
const load = name && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
if (!load) {
  process.stderr.write(`Usage: sluice <${Object.keys(COMMANDS).join('|')}> …\n`);
  process.exitCode = 2;
} else {
  try {
    await (
      await load()
    )(rest);
  } catch (error) {
    process.stderr.write(
      `sluice ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

#!/usr/bin/env node
import { closestMatch } from '../app/closest-match.js';

type Command = (argv: readonly string[]) => Promise<void>;

// Each subcommand loads only when it runs: `call` needs the client alone, and importing
// the server (Fastify, pino, BullMQ, ioredis, esbuild, prom-client) would cost it seconds.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand,
  call: async () => (await import('./call-command.js')).callCommand,
  worker: async () => (await import('./worker-command.js')).workerCommand,
};

const HELP = `Usage: sluice <command> [options]

Commands:
  serve <app files…>    serve apps over HTTP: JSON, SSE streams, the queue, the playground and /docs
  call <owner/name>     run a request on a server and show its progress and result
  worker <app files…>   run the apps' requests from a Redis queue (with serve --redis)

Options:
  -h, --help            show this help; sluice <command> --help lists the command's options and defaults

Example: sluice serve examples/text.ts, then open http://127.0.0.1:8000/`;

const [name, ...rest] = process.argv.slice(2);
const load = name && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
if (name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(`${HELP}\n`);
} else if (!load) {
  const closest = name === undefined ? undefined : closestMatch(name, Object.keys(COMMANDS));
  const unknown = name === undefined ? '' : `sluice: unknown command "${name}"`;
  const hint = closest === undefined ? '' : `; did you mean "sluice ${closest}"?`;
  process.stderr.write(`${unknown}${hint}${unknown ? '\n\n' : ''}${HELP}\n`);
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

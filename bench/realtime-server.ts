/**
 * A server of `bench/realtime.ts`, run as its own (pinned) process: `sluice` serves a
 * trivial app over every view (the realtime view included), `echo` is a bare `ws` echo
 * server, the baseline. Prints `READY <url>` once listening; exits when stdin closes. Sluice
 * comes from its sources, or from its build with `SLUICE_BENCH_BUILT=1` (see sluice-source.ts).
 */
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { sluiceModule } from './sluice-source.js';
import type * as DefineAppModule from '../src/app/define-app.js';
import type * as GatewayModule from '../src/server/create-gateway.js';

const { defineApp } = (await import(sluiceModule('app/define-app'))) as typeof DefineAppModule;
const { createGateway } = (await import(
  sluiceModule('server/create-gateway')
)) as typeof GatewayModule;

/** Answers its input: the cost measured is the path through sluice, not the app. */
export const echoApp = defineApp({
  id: 'bench/echo',
  input: z.object({ x: z.number() }),
  run: ({ x }) => ({ x }),
  // Up to PIPELINE_WINDOW inputs in flight, for the pipelined rate (one at a time is unchanged).
  realtime: { idleTimeoutMs: 3_600_000, maxInFlight: 16, bufferSize: 16 },
});

async function serveSluice(): Promise<string> {
  const gateway = await createGateway({ apps: [echoApp], logger: false });
  return gateway.listen({ host: '127.0.0.1', port: 0 });
}

async function serveEcho(): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, clientTracking: false });
  server.on('connection', (socket) =>
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
  );
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

const url = process.argv[2] === 'echo' ? await serveEcho() : await serveSluice();
console.log(`READY ${url}`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

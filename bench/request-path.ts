/**
 * What one request costs the gateway's own JavaScript, with no socket in the way: requests
 * of a trivial app submitted to the dispatcher one after another in one process, each
 * followed to its terminal event as the realtime and JSON views do (attach, read the
 * terminal, detach). Microseconds per request, in rounds. `SLUICE_BENCH_BUILT=1` measures
 * the build in `dist/`.
 *
 *   SLUICE_BENCH_BUILT=1 taskset -c 1 npx tsx bench/request-path.ts
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type * as DefineAppModule from '../src/app/define-app.js';
import type * as GatewayModule from '../src/server/create-gateway.js';
import type * as ReadTerminalModule from '../src/events/read-terminal.js';
import { sluiceModule } from './sluice-source.js';

const REQUESTS = 25_000;
const ROUNDS = 8;

const { defineApp } = (await import(sluiceModule('app/define-app'))) as typeof DefineAppModule;
const { createGateway } = (await import(
  sluiceModule('server/create-gateway')
)) as typeof GatewayModule;
const { readTerminal } = (await import(
  sluiceModule('events/read-terminal')
)) as typeof ReadTerminalModule;

/** Answers its input, as `bench/realtime-server.ts`'s app does. */
const echoApp = defineApp({
  id: 'bench/echo',
  input: z.object({ x: z.number() }),
  run: ({ x }) => ({ x }),
});
const gateway = await createGateway({ apps: [echoApp], logger: false });
const endpoint = echoApp.endpoints.get('')!;
const signal = new AbortController().signal;

async function oneRequest(x: number): Promise<void> {
  const { record } = await gateway.dispatcher.submit({
    app: echoApp,
    endpoint,
    input: { x },
    owner: 'anonymous',
    cancelOnDisconnect: true,
    view: 'realtime',
    startInThisTurn: true,
  });
  const detach = gateway.dispatcher.attach(record.requestId);
  const terminal = await readTerminal(gateway.eventLog, record.requestId, signal);
  detach();
  if (terminal?.type !== 'result') throw new Error(`request ${x} ended with ${terminal?.type}`);
}

for (let index = 0; index < REQUESTS; index++) await oneRequest(index); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  for (let index = 0; index < REQUESTS; index++) await oneRequest(index);
  const microseconds = ((performance.now() - started) * 1000) / REQUESTS;
  console.log(`${microseconds.toFixed(2)} µs a request`);
}
await gateway.close();

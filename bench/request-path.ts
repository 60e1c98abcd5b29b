/**
 * What one request costs the gateway's own JavaScript, with no socket in the way: requests
 * of a trivial app submitted to the dispatcher one after another in one process, each
 * followed to its terminal event as the realtime and JSON views do (attach, read the
 * terminal, detach). Microseconds per request, in rounds. `SLUICE_BENCH_BUILT=1` measures
 * the build in `dist/`. Run with `--expose-gc`, it also tells the heap each ended request
 * keeps for its retention (measured over the rounds, after full collections).
 *
 *   SLUICE_BENCH_BUILT=1 taskset -c 1 npx tsx bench/request-path.ts
 *   SLUICE_BENCH_BUILT=1 node --expose-gc --import tsx bench/request-path.ts
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

/** The heap in use after full collections, when the process may run them (`--expose-gc`). */
function heapAfterCollections(): number | undefined {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return undefined;
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

for (let index = 0; index < REQUESTS; index++) await oneRequest(index); // warm-up
const heapBefore = heapAfterCollections();
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  for (let index = 0; index < REQUESTS; index++) await oneRequest(index);
  const microseconds = ((performance.now() - started) * 1000) / REQUESTS;
  console.log(`${microseconds.toFixed(2)} µs a request`);
}
const heapAfter = heapAfterCollections();
if (heapBefore !== undefined && heapAfter !== undefined) {
  const bytes = (heapAfter - heapBefore) / (REQUESTS * ROUNDS);
  console.log(`${bytes.toFixed(0)} bytes of heap kept per ended request`);
}
await gateway.close();

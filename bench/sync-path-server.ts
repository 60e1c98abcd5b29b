/**
 * A server of `bench/sync-path.ts`, run as its own (pinned) process: `sluice` serves the
 * batching and cache apps, `fastify` a bare Fastify route answering a constant (the cache's
 * baseline). Prints `READY <url>` once listening; exits when stdin closes. Sluice comes from
 * its sources, or from its build with `SLUICE_BENCH_BUILT=1` (`bench/sluice-source.ts`).
 */
import Fastify from 'fastify';
import { z } from 'zod';
import type * as DefineAppModule from '../src/app/define-app.js';
import type * as GatewayModule from '../src/server/create-gateway.js';
import { sluiceModule } from './sluice-source.js';
import {
  CPU_FIXED_MS,
  CPU_PER_ITEM_MS,
  DEVICE_FIXED_MS,
  DEVICE_PER_ITEM_MS,
  MAX_WAIT_MS,
} from './sync-path-costs.js';

const { defineApp } = (await import(sluiceModule('app/define-app'))) as typeof DefineAppModule;
const { createGateway } = (await import(
  sluiceModule('server/create-gateway')
)) as typeof GatewayModule;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One call on a device that runs one call at a time: the process's CPU stays free meanwhile. */
function deviceCall(items: number): Promise<void> {
  return sleep(DEVICE_FIXED_MS + DEVICE_PER_ITEM_MS * items);
}

/** One call that keeps the CPU busy (a model run on the CPU). */
function cpuCall(items: number): void {
  const until = performance.now() + CPU_FIXED_MS + CPU_PER_ITEM_MS * items;
  while (performance.now() < until);
}

const input = z.object({ n: z.number() });
// One call at a time, as on one device: the unbatched endpoint runs its calls in turn.
const device = { input, maxConcurrency: 1 };
const apps = [
  defineApp({
    id: 'bench/device',
    ...device,
    run: async ({ n }) => (await deviceCall(1), { n }),
  }),
  defineApp({
    id: 'bench/device-batched',
    ...device,
    batch: { maxSize: 16, maxWaitMs: MAX_WAIT_MS },
    runBatch: async (inputs) => (await deviceCall(inputs.length), inputs.map(({ n }) => ({ n }))),
    run: async ({ n }) => (await deviceCall(1), { n }),
  }),
  defineApp({ id: 'bench/cpu', input, run: ({ n }) => (cpuCall(1), { n }) }),
  defineApp({
    id: 'bench/cpu-batched',
    input,
    batch: { maxSize: 16, maxWaitMs: MAX_WAIT_MS },
    runBatch: (inputs) => (cpuCall(inputs.length), inputs.map(({ n }) => ({ n }))),
    run: ({ n }) => (cpuCall(1), { n }),
  }),
  defineApp({ id: 'bench/cached', input, cache: { ttlMs: 600_000 }, run: ({ n }) => ({ n }) }),
];

async function serve(kind: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (kind === 'fastify') {
    const bare = Fastify();
    bare.post('/constant', () => ({ n: 1 }));
    return { url: await bare.listen({ host: '127.0.0.1', port: 0 }), close: () => bare.close() };
  }
  const gateway = await createGateway({ apps, logger: false });
  return {
    url: await gateway.listen({ host: '127.0.0.1', port: 0 }),
    close: () => gateway.close(),
  };
}

const server = await serve(process.argv[2] ?? 'sluice');
process.stdout.write(`READY ${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));

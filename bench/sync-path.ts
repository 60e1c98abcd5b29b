/**
 * `tsx bench/sync-path.ts [--quick]`: the sync path's figures. Batching: an endpoint whose
 * per-call cost is mostly fixed, at 64 clients, batched (`maxSize: 16`) against unbatched,
 * and the p50 it adds at one client. Cache: hits per second against a bare Fastify route
 * answering a constant. Every loop is bounded in count and time.
 */
import Fastify from 'fastify';
import { z } from 'zod';
import { defineApp } from '../src/app/define-app.js';
import { createGateway } from '../src/server/create-gateway.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 1.5 : 4;

/** A call's cost: 3 ms fixed (a model's launch), 0.05 ms per item; busy, like a GPU call. */
function busy(items: number): void {
  const until = performance.now() + 3 + 0.05 * items;
  while (performance.now() < until);
}

const input = z.object({ n: z.number() });
const unbatched = defineApp({
  id: 'bench/unbatched',
  input,
  run: ({ n }) => (busy(1), { n }),
});
const batched = defineApp({
  id: 'bench/batched',
  input,
  batch: { maxSize: 16, maxWaitMs: 2 },
  runBatch: (inputs) => (busy(inputs.length), inputs.map(({ n }) => ({ n }))),
  run: ({ n }) => (busy(1), { n }),
});
const cached = defineApp({
  id: 'bench/cached',
  input,
  cache: { ttlMs: 600_000 },
  run: ({ n }) => ({ n }),
});

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
}

/** Requests per second and latencies of `clients` loops posting for SECONDS (at most 200k requests). */
async function load(url: string, clients: number, body = '{"n":1}') {
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const client = async () => {
    while (performance.now() < end && latencies.length < 200_000) {
      const started = performance.now();
      await post(url, body);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: latencies[Math.floor(latencies.length / 2)]! };
}

async function main(): Promise<void> {
  const gateway = await createGateway({ apps: [unbatched, batched, cached], logger: false });
  const base = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const bare = Fastify();
  bare.post('/constant', () => ({ n: 1 }));
  const bareBase = await bare.listen({ host: '127.0.0.1', port: 0 });
  try {
    const plain = await load(`${base}/bench/unbatched`, 64);
    const grouped = await load(`${base}/bench/batched`, 64);
    const plainOne = await load(`${base}/bench/unbatched`, 1);
    const groupedOne = await load(`${base}/bench/batched`, 1);
    await post(`${base}/bench/cached`, '{"n":1}');
    const hits = await load(`${base}/bench/cached`, 32);
    const constant = await load(`${bareBase}/constant`, 32);
    const rows = [
      [
        'batching, 64 clients',
        `unbatched ${plain.rps.toFixed(0)} req/s`,
        `maxSize 16: ${grouped.rps.toFixed(0)} req/s`,
        `${(grouped.rps / plain.rps).toFixed(1)}× (target ≥ 4×)`,
      ],
      [
        'batching, 1 client p50',
        `unbatched ${plainOne.p50.toFixed(2)} ms`,
        `batched ${groupedOne.p50.toFixed(2)} ms`,
        `+${(groupedOne.p50 - plainOne.p50).toFixed(2)} ms (target ≤ maxWaitMs 2 + 1 ms)`,
      ],
      [
        'cache hit, 32 clients',
        `bare Fastify ${constant.rps.toFixed(0)} req/s`,
        `hits ${hits.rps.toFixed(0)} req/s`,
        `${(hits.rps / constant.rps).toFixed(2)}× (target ≥ 0.8×)`,
      ],
    ];
    for (const row of rows) console.log(row.join(' | '));
  } finally {
    await bare.close();
    await gateway.close();
  }
}

await main();

/**
 * `npx tsx bench/queue.ts [--requests N] [--clients C]`: the queue's costs. (1) The memory
 * queue alone: enqueue then take 5 × N entries at mixed priorities. (2) Over HTTP on
 * loopback, against an endpoint limited to 8 concurrent runs so that requests wait in the
 * queue: N JSON calls (`POST /{app}`, the baseline), then N queue requests (`POST
 * /queue/{app}` and `GET …/requests/{id}`), from C clients at once (default 50), after a
 * warm-up. Prints throughput and latency percentiles of each.
 */
import { z } from 'zod';
import { defineApp } from '../src/app/define-app.js';
import { MemoryRequestQueue } from '../src/dispatch/memory-request-queue.js';
import { createGateway } from '../src/server/create-gateway.js';
import { percentile } from './statistics.js';

const trivialApp = defineApp({
  id: 'bench/trivial',
  input: z.object({ i: z.number().int() }),
  limits: { concurrent: 8 },
  run: ({ i }) => ({ i }),
});

function flag(argv: readonly string[], name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(argv[index + 1]);
}

const argv = process.argv.slice(2);
const COUNT = flag(argv, 'requests', 2_000);
const CLIENTS = flag(argv, 'clients', 50);

async function memoryQueue(count: number): Promise<string> {
  const queue = new MemoryRequestQueue();
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const priority = index % 10 === 0 ? 1 : index % 7 === 0 ? -1 : 0;
    const entry = {
      requestId: `r${index}`,
      appId: 'a/b',
      endpoint: '',
      priority,
      enqueuedAt: index,
    };
    await queue.enqueue(entry);
  }
  const enqueued = performance.now();
  while (await queue.take(() => true));
  const taken = performance.now();
  const perEntry = (ms: number) => ((ms * 1000) / count).toFixed(2);
  return `memory queue, ${count} entries: enqueue ${perEntry(enqueued - started)} µs, take ${perEntry(taken - enqueued)} µs each`;
}

/** Runs `one` for 0…count-1 from CLIENTS concurrent loops; resolves with a summary line. */
async function measure(label: string, count: number, one: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const client = async () => {
    for (let i = next++; i < count; i = next++) {
      const begin = performance.now();
      await one(i);
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const perSecond = count / ((performance.now() - started) / 1000);
  const p = (fraction: number) => percentile(latencies, fraction).toFixed(1);
  return `${label}: ${perSecond.toFixed(0)} requests/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`;
}

async function overHttp(): Promise<string[]> {
  const gateway = await createGateway({ apps: [trivialApp], logger: false });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const post = (path: string, i: number) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ i }),
    });
  const sync = async (i: number) => void (await (await post('/bench/trivial', i)).json());
  const queued = async (i: number) => {
    const { request_id } = (await (await post('/queue/bench/trivial', i)).json()) as {
      request_id: string;
    };
    await (await fetch(`${url}/queue/bench/trivial/requests/${request_id}`)).json();
  };
  await measure('warm-up', Math.min(COUNT, 500), queued);
  const lines = [
    await measure(`JSON call, ${COUNT} requests, ${CLIENTS} clients`, COUNT, sync),
    await measure(`queue submit + result, ${COUNT} requests, ${CLIENTS} clients`, COUNT, queued),
  ];
  await gateway.close();
  return lines;
}

process.stdout.write([await memoryQueue(COUNT * 5), ...(await overHttp())].join('\n') + '\n');

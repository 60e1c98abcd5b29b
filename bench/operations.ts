/**
 * `tsx bench/operations.ts [--streams N] [--events N] [--requests N]`: the production
 * operations figures, at a small scale by default (one process: the gateway and its clients).
 * - The OpenAI view against the native stream view on scenario (ii)'s shape (many streams of
 *   many small events): events/s of each, and the ratio (target ≥ 0.8×).
 * - Tracing off against tracing on (every span recorded to an in-memory exporter): requests/s
 *   of small JSON calls, and the cost per request of tracing.
 */
import { parseArgs } from 'node:util';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { defineApp } from '../src/app/define-app.js';
import { createGateway, type Gateway } from '../src/server/create-gateway.js';
import { startTracing } from '../src/server/start-tracing.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '20' },
    events: { type: 'string', default: '500' },
    requests: { type: 'string', default: '2000' },
  },
});
const STREAMS = Number(values.streams);
const EVENTS = Number(values.events);
const REQUESTS = Number(values.requests);
const TOKEN = 'x'.repeat(90);

const firehose = defineApp({
  id: 'bench/firehose',
  input: z.object({ n: z.number().int().min(0).max(1_000_000).default(1) }),
  chat: {
    input: (request) => ({ n: request.max_tokens }),
    delta: (output) => (output as { token: string }).token,
  },
  run: ({ n }, ctx) => {
    for (let index = 0; index < n; index++) ctx.emit({ token: TOKEN });
    return { n };
  },
});

async function started(): Promise<{ gateway: Gateway; url: string }> {
  const gateway = await createGateway({ apps: [firehose], logger: false });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { gateway, url };
}

/** Reads a body to its end, counting `data:` lines. */
async function countData(response: Response): Promise<number> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = tail + decoder.decode(value, { stream: true });
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('data:')) count++;
  }
  return count;
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function eventsPerSecond(open: () => Promise<Response>): Promise<number> {
  const start = performance.now();
  const counts = await Promise.all(
    Array.from({ length: STREAMS }, async () => countData(await open())),
  );
  const seconds = (performance.now() - start) / 1000;
  return counts.reduce((sum, count) => sum + count, 0) / seconds;
}

async function requestsPerSecond(url: string): Promise<number> {
  const start = performance.now();
  const workers = 8;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let index = 0; index < REQUESTS / workers; index++)
        await (await post(`${url}/bench/firehose`, { n: 1 })).arrayBuffer();
    }),
  );
  return REQUESTS / ((performance.now() - start) / 1000);
}

async function streamViews(): Promise<void> {
  const { gateway, url } = await started();
  const native = () => post(`${url}/bench/firehose/stream`, { n: EVENTS });
  const chat = { model: 'bench/firehose', messages: [{ role: 'user', content: '' }] };
  const openAi = () =>
    post(`${url}/v1/chat/completions`, { ...chat, max_tokens: EVENTS, stream: true });
  await eventsPerSecond(native); // warm-up
  await eventsPerSecond(openAi);
  const nativeRate = await eventsPerSecond(native);
  const openAiRate = await eventsPerSecond(openAi);
  console.log(`| native stream view: events/s | ${Math.round(nativeRate)} |`);
  console.log(`| OpenAI view: events/s | ${Math.round(openAiRate)} |`);
  console.log(`| OpenAI / native | ${(openAiRate / nativeRate).toFixed(2)}× (target ≥ 0.8×) |`);
  await gateway.close();
}

async function tracingCost(): Promise<void> {
  const { gateway, url } = await started();
  await requestsPerSecond(url); // warm-up
  const off = await requestsPerSecond(url);
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  await requestsPerSecond(url);
  exporter.reset();
  const on = await requestsPerSecond(url);
  await tracing.shutdown();
  const costMicroseconds = (1 / on - 1 / off) * 1e6;
  console.log(`| JSON calls, tracing off: requests/s | ${Math.round(off)} |`);
  console.log(`| JSON calls, tracing on: requests/s | ${Math.round(on)} |`);
  console.log(`| tracing cost per request | ${costMicroseconds.toFixed(0)} µs |`);
  await gateway.close();
}

console.log(`operations (${STREAMS} streams × ${EVENTS} events × ~100 B; ${REQUESTS} JSON calls)`);
console.log('| figure | value |\n| --- | --- |');
await streamViews();
await tracingCost();

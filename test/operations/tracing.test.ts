import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/server/start-tracing.js';
import { tracingRequested } from '../../src/server/start-tracing.js';
import { startCli } from '../support/cli-server.js';
import { startGateway, startRedisGateway, startTestWorker } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { countApp } from './fixtures/queue-apps.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

async function inMemoryTracing(): Promise<InMemorySpanExporter> {
  const exporter = new InMemorySpanExporter();
  tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return exporter;
}

async function call(url: string, body: unknown, headers: Record<string, string> = {}) {
  const { response } = await send(url, { method: 'POST', body: JSON.stringify(body), headers });
  return { status: response.statusCode, text: await readText(response) };
}

describe('request tracing', () => {
  it('is asked for by the OTEL_* variables, and off without them', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBe(false);
  });

  it('records no span while off', async () => {
    const exporter = new InMemorySpanExporter();
    await using gateway = await startGateway({ apps: [countApp] });
    await call(`${gateway.url}/ops/count`, { n: 1 }, { traceparent: TRACEPARENT });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('continues the client’s traceparent with request, queue wait, run and first-event spans', async () => {
    const exporter = await inMemoryTracing();
    await using gateway = await startGateway({ apps: [countApp] });
    const answer = await call(`${gateway.url}/ops/count`, { n: 2 }, { traceparent: TRACEPARENT });
    expect(answer.status).toBe(200);
    await until(() => exporter.getFinishedSpans().some((span) => span.name === 'sluice.request'));
    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((span) => [span.name, span]));
    const request = byName.get('sluice.request')!;
    expect(request.spanContext().traceId).toBe(TRACE_ID);
    expect(request.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    for (const name of ['sluice.queue_wait', 'sluice.run', 'sluice.time_to_first_event']) {
      const span = byName.get(name);
      expect(span, name).toBeDefined();
      expect(span!.spanContext().traceId).toBe(TRACE_ID);
      expect(span!.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(span!.attributes['sluice.app']).toBe('ops/count');
    }
    expect(byName.get('sluice.run')!.attributes['sluice.outcome']).toBe('ok');
  });

  it('marks a failed run’s spans as errors', async () => {
    const exporter = await inMemoryTracing();
    await using gateway = await startGateway({ apps: [countApp] });
    await call(`${gateway.url}/ops/count/fail`, {});
    await until(() => exporter.getFinishedSpans().some((span) => span.name === 'sluice.request'));
    const run = exporter.getFinishedSpans().find((span) => span.name === 'sluice.run')!;
    expect(run.status.code).toBe(2); // ERROR
    expect(run.attributes['sluice.outcome']).toBe('app_error');
  });

  it('carries the context across the Redis queue to a worker', async () => {
    const exporter = await inMemoryTracing();
    await using gateway = await startRedisGateway({ apps: [] });
    await using worker = await startTestWorker(gateway.redis, [countApp]);
    void worker;
    await until(async () => (await fetch(`${gateway.url}/apps`)).ok);
    await until(async () => {
      const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as {
        apps: Record<string, { state: string }>;
      };
      return ready.apps['ops/count']?.state === 'ready';
    });
    const answer = await call(`${gateway.url}/ops/count`, { n: 1 }, { traceparent: TRACEPARENT });
    expect(answer.status).toBe(200);
    await until(() => exporter.getFinishedSpans().some((span) => span.name === 'sluice.request'));
    await until(() => exporter.getFinishedSpans().some((span) => span.name === 'sluice.run'));
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.name === 'sluice.request')!;
    const run = spans.find((span) => span.name === 'sluice.run')!;
    expect(run.spanContext().traceId).toBe(TRACE_ID);
    expect(run.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });
});

describe('tracing to a real OTLP HTTP receiver', () => {
  it('sluice serve exports its spans as OTEL_* configures, over HTTP', async () => {
    const posts: { path: string; body: Buffer }[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        posts.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      await using server = await startCli(['test/operations/fixtures/queue-apps.ts'], {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_SERVICE_NAME: 'sluice-under-test',
      });
      const answer = await call(`${server.url}/ops/count`, { n: 1 }, { traceparent: TRACEPARENT });
      expect(answer.status).toBe(200);
      await until(() => posts.some((post) => post.body.includes('sluice.run')), 10_000);
      const post = posts.find((candidate) => candidate.body.includes('sluice.run'))!;
      expect(post.path).toBe('/v1/traces');
      const carries = (body: Buffer) =>
        body.includes(Buffer.from(TRACE_ID, 'hex')) || body.includes(TRACE_ID);
      expect(posts.some((candidate) => carries(candidate.body))).toBe(true);
      expect(posts.some((candidate) => candidate.body.includes('sluice-under-test'))).toBe(true);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

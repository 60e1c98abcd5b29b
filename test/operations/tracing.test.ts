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
import { tracedApps, tracedReplicaApp, tracedSquareApp } from './fixtures/traced-apps.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { hrTimeToMilliseconds } from '@opentelemetry/core';

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

/** The spans of one traced run (`ops/traced` or its replica), found by name and app. */
function tracedSpans(spans: readonly ReadableSpan[], appId: string) {
  const of = (name: string, app: string) =>
    spans.filter((span) => span.name === name && span.attributes['sluice.app'] === app);
  return {
    run: of('sluice.run', appId)[0]!,
    prepare: of('sluice.prepare', appId)[0],
    childSpans: of('sluice.child_run', 'ops/traced-square'),
    childRuns: of('sluice.run', 'ops/traced-square'),
  };
}

const parentIdOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

/** Checks the prepare step and two child runs hang under the run span, in the client's trace. */
function expectPrepareAndChildren(spans: readonly ReadableSpan[], appId: string): void {
  const { run, prepare, childSpans, childRuns } = tracedSpans(spans, appId);
  expect(run.spanContext().traceId).toBe(TRACE_ID);
  expect(prepare, 'sluice.prepare').toBeDefined();
  expect(parentIdOf(prepare)).toBe(idOf(run));
  expect(prepare!.attributes['sluice.outcome']).toBe('ok');
  // Within the run (a prepare step's times are the wall clock's, perhaps of another process).
  const { startTime, endTime } = prepare!;
  expect(hrTimeToMilliseconds(startTime)).toBeGreaterThan(hrTimeToMilliseconds(run.startTime) - 50);
  expect(hrTimeToMilliseconds(endTime)).toBeLessThan(hrTimeToMilliseconds(run.endTime) + 50);
  expect(childSpans).toHaveLength(2);
  for (const child of childSpans) {
    expect(child.spanContext().traceId).toBe(TRACE_ID);
    expect(parentIdOf(child)).toBe(idOf(run));
    expect(child.attributes['sluice.outcome']).toBe('ok');
  }
  expect(childRuns).toHaveLength(2);
  const childIds = childSpans.map(idOf);
  for (const childRun of childRuns) expect(childIds).toContain(parentIdOf(childRun));
}

async function finishedRequest(exporter: InMemorySpanExporter, appId: string) {
  await until(() =>
    exporter
      .getFinishedSpans()
      .some((span) => span.name === 'sluice.run' && span.attributes['sluice.app'] === appId),
  );
  await until(() => exporter.getFinishedSpans().some((span) => span.name === 'sluice.request'));
  return exporter.getFinishedSpans();
}

describe('tracing prepare steps and child runs', () => {
  it('records the prepare step and each child run under the run span', async () => {
    const exporter = await inMemoryTracing();
    await using gateway = await startGateway({ apps: [...tracedApps] });
    const answer = await call(
      `${gateway.url}/ops/traced`,
      { count: 2 },
      { traceparent: TRACEPARENT },
    );
    expect(answer.status).toBe(200);
    expectPrepareAndChildren(await finishedRequest(exporter, 'ops/traced'), 'ops/traced');
  });

  it('marks a failed prepare step’s span as an error', async () => {
    const exporter = await inMemoryTracing();
    await using gateway = await startGateway({ apps: [...tracedApps] });
    const answer = await call(`${gateway.url}/ops/traced`, { fail_prepare: true });
    expect(answer.status).toBe(502);
    const spans = await finishedRequest(exporter, 'ops/traced');
    const { run, prepare, childSpans } = tracedSpans(spans, 'ops/traced');
    expect(parentIdOf(prepare)).toBe(idOf(run));
    expect(prepare!.status.code).toBe(2); // ERROR
    expect(prepare!.attributes['sluice.outcome']).toBe('prepare_failed');
    expect(childSpans).toEqual([]);
  });

  it('carries the run’s context into a replica process and back with its child runs', async () => {
    const exporter = await inMemoryTracing();
    const moduleUrl = new URL('./fixtures/traced-apps.ts', import.meta.url).href;
    const runtime = createRuntime([{ app: tracedReplicaApp, moduleUrl }, tracedSquareApp]);
    await runtime.start();
    await using gateway = await startGateway({
      apps: [tracedReplicaApp, tracedSquareApp],
      runtime,
    });
    const url = `${gateway.url}/ops/traced-replica`;
    const answer = await call(url, { count: 2 }, { traceparent: TRACEPARENT });
    expect(answer.status).toBe(200);
    const spans = await finishedRequest(exporter, 'ops/traced-replica');
    expectPrepareAndChildren(spans, 'ops/traced-replica');
  });

  it('records a Redis worker’s prepare step and child runs in the gateway’s trace', async () => {
    const exporter = await inMemoryTracing();
    await using gateway = await startRedisGateway({ apps: [] });
    await using worker = await startTestWorker(gateway.redis, [...tracedApps]);
    void worker;
    await until(async () => {
      const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as {
        apps: Record<string, { state: string }>;
      };
      return ready.apps['ops/traced']?.state === 'ready';
    });
    const answer = await call(
      `${gateway.url}/ops/traced`,
      { count: 2 },
      { traceparent: TRACEPARENT },
    );
    expect(answer.status).toBe(200);
    expectPrepareAndChildren(await finishedRequest(exporter, 'ops/traced'), 'ops/traced');
  });
});

interface ReceivedPost {
  readonly path: string;
  readonly body: Buffer;
}

/** An OTLP HTTP receiver on loopback that keeps every POST it answers. */
async function otlpReceiver() {
  const posts: ReceivedPost[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return {
    posts,
    url: `http://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => receiver.close(() => resolve())),
  };
}

const carriesTrace = (body: Buffer) =>
  body.includes(Buffer.from(TRACE_ID, 'hex')) || body.includes(TRACE_ID);

describe('tracing to a real OTLP HTTP receiver', () => {
  it('sluice serve exports its spans as OTEL_* configures, over HTTP', async () => {
    await using receiver = await otlpReceiver();
    const { posts } = receiver;
    await using server = await startCli(['test/operations/fixtures/queue-apps.ts'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'sluice-under-test',
    });
    const answer = await call(`${server.url}/ops/count`, { n: 1 }, { traceparent: TRACEPARENT });
    expect(answer.status).toBe(200);
    await until(() => posts.some((post) => post.body.includes('sluice.run')), 10_000);
    const post = posts.find((candidate) => candidate.body.includes('sluice.run'))!;
    expect(post.path).toBe('/v1/traces');
    expect(posts.some((candidate) => carriesTrace(candidate.body))).toBe(true);
    expect(posts.some((candidate) => candidate.body.includes('sluice-under-test'))).toBe(true);
  });

  it('exports the prepare step and child runs of a run in a replica process', async () => {
    await using receiver = await otlpReceiver();
    const { posts } = receiver;
    await using server = await startCli(['test/operations/fixtures/traced-apps.ts'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const url = `${server.url}/ops/traced-replica`;
    const answer = await call(url, { count: 2 }, { traceparent: TRACEPARENT });
    expect(answer.status).toBe(200);
    const exported = () => Buffer.concat(posts.map((post) => post.body));
    // Names as they appear in the export (JSON or protobuf alike), not as attribute keys.
    const names = ['sluice.prepare', 'sluice.child_run', 'sluice.run', 'ops/traced-replica'];
    const sent = (name: string) => exported().includes(name);
    await until(() => names.every(sent), 10_000);
    expect(carriesTrace(exported())).toBe(true);
  });
});

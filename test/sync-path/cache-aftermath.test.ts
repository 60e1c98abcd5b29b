import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGateway, startRedisGateway, type TestGateway } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { cacheApp } from './fixtures/cache-app.js';
import { metricLines, postJson } from './http.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface WebhookBody {
  readonly request_id: string;
  readonly status: 'OK' | 'ERROR';
  readonly payload: Record<string, unknown>;
}

/** A webhook receiver on loopback that keeps every body it is sent. */
async function startReceiver(): Promise<
  { url: string; delivered: WebhookBody[] } & AsyncDisposable
> {
  const delivered: WebhookBody[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      delivered.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    delivered,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `sluice_requests_total` of the cached app's root endpoint for one view and outcome. */
async function requestsTotal(base: string, view: string, outcome: string): Promise<number> {
  const lines = await metricLines(base, 'sluice_requests_total{');
  const labels = [`app="test/cached"`, `view="${view}"`, `outcome="${outcome}"`];
  const line = lines.find((candidate) => labels.every((label) => candidate.includes(label)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/** Submits to the queue view with a webhook; answers the request id and `x-sluice-cache`. */
async function submitWithWebhook(base: string, input: unknown, webhook: string) {
  const url = `${base}/queue/test/cached?fal_webhook=${encodeURIComponent(webhook)}`;
  const submitted = await postJson(url, input);
  const { request_id: requestId } = submitted.body as { request_id: string };
  return { requestId, cache: submitted.headers.get('x-sluice-cache') };
}

/** The webhook the receiver got for `requestId`, once it has come. */
async function webhookFor(delivered: WebhookBody[], requestId: string): Promise<WebhookBody> {
  await until(() => delivered.some((body) => body.request_id === requestId), 10_000);
  return delivered.find((body) => body.request_id === requestId)!;
}

/** Until the queue view's counter reaches `expected`, then checks it stays there (no second count). */
async function expectQueueCount(base: string, outcome: string, expected: number) {
  await until(async () => (await requestsTotal(base, 'queue', outcome)) >= expected);
  await sleep(100);
  expect(await requestsTotal(base, 'queue', outcome)).toBe(expected);
}

/**
 * The leader runs through the JSON view, its hits and followers through the queue view:
 * whatever the queue view counts is theirs alone.
 */
function aftermathCases(start: (app: ReturnType<typeof cacheApp>['app']) => Promise<TestGateway>) {
  it('a cache hit sends its webhook with its own request id and is counted once', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await start(app);
    await using receiver = await startReceiver();
    const miss = await postJson(`${gateway.url}/test/cached`, { text: 'w' });
    const hit = await submitWithWebhook(gateway.url, { text: 'w' }, receiver.url);
    expect(hit.cache).toBe('hit');
    expect(hit.requestId).not.toBe(miss.headers.get('x-request-id'));
    const body = await webhookFor(receiver.delivered, hit.requestId);
    expect(body).toMatchObject({ status: 'OK', payload: { text: 'w', run: 1 } });
    await expectQueueCount(gateway.url, 'ok', 1);
    expect(runs()).toBe(1);
  });

  it('a coalesced follower sends its webhook with the shared result and is counted once', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await start(app);
    await using receiver = await startReceiver();
    const input = { text: 'c', hold_ms: 800 };
    const leader = postJson(`${gateway.url}/test/cached`, input);
    await sleep(200);
    const follower = await submitWithWebhook(gateway.url, input, receiver.url);
    expect(follower.cache).toBe('coalesced');
    const leaderId = (await leader).headers.get('x-request-id');
    expect(follower.requestId).not.toBe(leaderId);
    const body = await webhookFor(receiver.delivered, follower.requestId);
    expect(body).toMatchObject({ status: 'OK', payload: { text: 'c', run: 1 } });
    await expectQueueCount(gateway.url, 'ok', 1);
    expect(runs()).toBe(1);
  });

  it("a follower of a failed run sends an ERROR webhook and is counted under the run's code", async () => {
    const { app } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await start(app);
    await using receiver = await startReceiver();
    const input = { text: 'f', fail: true, hold_ms: 800 };
    const leader = postJson(`${gateway.url}/test/cached`, input);
    await sleep(200);
    const follower = await submitWithWebhook(gateway.url, input, receiver.url);
    expect(follower.cache).toBe('coalesced');
    expect((await leader).status).toBe(500);
    const body = await webhookFor(receiver.delivered, follower.requestId);
    expect(body).toMatchObject({ status: 'ERROR', payload: { error_type: 'app_error' } });
    await expectQueueCount(gateway.url, 'app_error', 1);
    expect(await requestsTotal(gateway.url, 'queue', 'ok')).toBe(0);
  });
}

describe('cache hits and coalesced requests end like any request (memory)', () => {
  aftermathCases((app) => startGateway({ apps: [app] }));
});

describe('cache hits and coalesced requests end like any request (Redis)', () => {
  aftermathCases((app) => startRedisGateway({ apps: [app] }));
});

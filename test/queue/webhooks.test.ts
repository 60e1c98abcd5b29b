import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { gateApp, releaseGate, uniqueKey } from '../fixtures/queue-apps.js';
import { startGateway, startRedisGateway } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { countApp, failingApp } from '../support/test-apps.js';
import { QueueClient } from './queue-client.js';

/** How the receiver answers one delivery. */
type Behaviour = 500 | 429 | 400 | 'close' | 'ok';

interface Receiver extends AsyncDisposable {
  readonly url: string;
  readonly attempts: number;
  readonly delivered: unknown[];
}

/** A webhook receiver on loopback that answers the i-th delivery with `behaviours[i]` (then ok). */
async function startReceiver(behaviours: readonly Behaviour[]): Promise<Receiver> {
  const delivered: unknown[] = [];
  let attempts = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const behaviour = behaviours[attempts++] ?? 'ok';
      if (behaviour === 'close') return request.socket.destroy();
      if (behaviour !== 'ok') return response.writeHead(behaviour).end();
      delivered.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get attempts() {
      return attempts;
    },
    delivered,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const FAST = { attempts: 4, baseDelayMs: 5, timeoutMs: 2_000 };

describe('webhooks', () => {
  it('delivers {request_id, status: OK, payload} after retrying 500, 429 and a closed socket', async () => {
    await using receiver = await startReceiver([500, 429, 'close']);
    await using gateway = await startGateway({ apps: [countApp], webhook: FAST });
    const queue = new QueueClient(gateway.url, 'test/count');
    const query = `fal_webhook=${encodeURIComponent(receiver.url)}`;
    const requestId = await queue.submitId({ n: 1 }, { query });
    await until(() => receiver.delivered.length === 1);
    expect(receiver.attempts).toBe(4);
    expect(receiver.delivered[0]).toEqual({
      request_id: requestId,
      gateway_request_id: requestId,
      status: 'OK',
      payload: { count: 1, text: 'x' },
      error: null,
    });
  });

  it('delivers a failure as status ERROR with the error, via ?webhook=', async () => {
    await using receiver = await startReceiver([]);
    await using gateway = await startGateway({ apps: [failingApp], webhook: FAST });
    const queue = new QueueClient(gateway.url, 'test/failing');
    const requestId = await queue.submitId(
      {},
      { query: `webhook=${encodeURIComponent(receiver.url)}` },
    );
    await until(() => receiver.delivered.length === 1);
    expect(receiver.delivered[0]).toMatchObject({
      request_id: requestId,
      status: 'ERROR',
      payload: { error_type: 'app_error', detail: expect.any(String) as string },
      error: expect.any(String) as string,
    });
  });

  it('delivers a request cancelled while it waits in the Redis queue once, as status ERROR', async () => {
    await using receiver = await startReceiver([]);
    await using gateway = await startRedisGateway({ apps: [gateApp], webhook: FAST });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const blocker = uniqueKey('blocker');
    const running = await queue.submitId({ key: blocker });
    try {
      await queue.waitFor(running, 'IN_PROGRESS');
      const hook = { query: `webhook=${encodeURIComponent(receiver.url)}` };
      const waiting = await queue.submitId({ key: uniqueKey('waiting') }, hook);
      expect((await queue.cancel(waiting)).status).toBe(202);
      await until(() => receiver.delivered.length === 1);
      expect(receiver.delivered[0]).toMatchObject({
        request_id: waiting,
        status: 'ERROR',
        payload: { error_type: 'cancelled' },
      });
    } finally {
      releaseGate(blocker);
    }
    await queue.waitFor(running, 'COMPLETED');
    expect(receiver.delivered).toHaveLength(1);
  });

  it('gives up after the attempt bound, logging each failure and counting it in metrics', async () => {
    await using receiver = await startReceiver([500, 500, 500, 500, 500, 500]);
    const { logger, lines } = capturedLogger();
    await using gateway = await startGateway({
      apps: [countApp],
      webhook: { ...FAST, attempts: 3 },
      logger,
    });
    const queue = new QueueClient(gateway.url, 'test/count');
    const requestId = await queue.submitId(
      { n: 1 },
      { query: `fal_webhook=${encodeURIComponent(receiver.url)}` },
    );
    const failures = () => lines.filter((line) => line.includes('webhook not delivered'));
    await until(() => failures().length === 1);
    expect(receiver.attempts).toBe(3);
    expect(JSON.parse(failures()[0]!)).toMatchObject({ requestId });
    const attemptLines = lines.filter((line) => line.includes('webhook delivery failed'));
    expect(attemptLines.map((line) => (JSON.parse(line) as { attempt: number }).attempt)).toEqual([
      1, 2, 3,
    ]);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('sluice_webhook_failures_total{app="test/count"} 1');
  });

  it('does not retry a receiver that refuses with another 4xx', async () => {
    await using receiver = await startReceiver([400]);
    const { logger, lines } = capturedLogger();
    await using gateway = await startGateway({ apps: [countApp], webhook: FAST, logger });
    const queue = new QueueClient(gateway.url, 'test/count');
    await queue.submitId({ n: 1 }, { query: `fal_webhook=${encodeURIComponent(receiver.url)}` });
    await until(() => lines.some((line) => line.includes('webhook not delivered')));
    expect(receiver.attempts).toBe(1);
  });
});

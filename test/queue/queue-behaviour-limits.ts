import { beforeEach, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../../src/server/create-gateway.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { expireEnded } from '../support/expire.js';
import { startGatewayOn, type GatewayBackend, type TestGateway } from '../support/gateway.js';
import { parseEvents, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';
import {
  gateApp,
  gateLog,
  limitedApp,
  openGateApp,
  releaseGate,
  resetGateLog,
  uniqueKey,
} from '../fixtures/queue-apps.js';
import { QueueClient } from './queue-client.js';

/** How long a Redis log outlives its terminal event here: long enough to see COMPLETED first. */
const REDIS_RETENTION_MS = 1_000;

/**
 * A gateway whose ended requests expire, and how to wait until one has. A memory log is
 * swept by hand; a Redis log's keys expire by themselves, which is watched through the log.
 */
async function expiringGateway(
  backend: GatewayBackend,
  options: GatewayOptions,
): Promise<{ gateway: TestGateway; expired: (requestId: string) => Promise<void> }> {
  if (backend === 'memory') {
    const eventLog = new MemoryEventLog({ retentionMs: 1 });
    const gateway = await startGatewayOn(backend, { ...options, eventLog });
    return { gateway, expired: () => expireEnded(eventLog) };
  }
  const eventLogLimits = { retentionMs: REDIS_RETENTION_MS };
  const gateway = await startGatewayOn(backend, { ...options, eventLogLimits });
  const expired = (requestId: string) =>
    until(async () => (await gateway.eventLog.lookup(requestId)).state === 'expired');
  return { gateway, expired };
}

/** A refusal is immediate: a request that was let in instead fails here rather than hanging. */
const REFUSAL_TIMEOUT_MS = 5_000;

function postJson(url: string, input: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(REFUSAL_TIMEOUT_MS),
  });
}

/**
 * Limits, the status stream and retention: the same on every backend.
 *
 * @example
 * describeQueueLimits('memory');
 */
export function describeQueueLimits(backend: GatewayBackend): void {
  beforeEach(resetGateLog);

  describe(`limits (${backend})`, () => {
    it('past limits.queued, every view answers 429 overloaded with Retry-After', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [limitedApp] });
      const queue = new QueueClient(gateway.url, 'qtest/limited');
      const [a, b] = [uniqueKey('a'), uniqueKey('b')];
      const running = await queue.submitId({ key: a });
      await queue.waitFor(running, 'IN_PROGRESS');
      const waiting = await queue.submit({ key: b });
      expect(waiting.body.queue_position).toBe(0);
      const refused = await queue.submit({ key: uniqueKey('c') });
      expect(refused.status).toBe(429);
      expect(refused.body.error_type).toBe('overloaded');
      expect(refused.headers.get('retry-after')).toBe('1');
      for (const path of ['/qtest/limited', '/qtest/limited/stream']) {
        const response = await postJson(`${gateway.url}${path}`, { key: uniqueKey('d') });
        expect(response.status).toBe(429);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(await response.json()).toMatchObject({ error_type: 'overloaded' });
      }
      releaseGate(a);
      releaseGate(b);
      await queue.waitFor(String(waiting.body.request_id), 'COMPLETED');
      const later = uniqueKey('later');
      releaseGate(later);
      const laterId = await queue.submitId({ key: later });
      expect((await queue.result(laterId)).body).toEqual({ key: later });
    });

    it('gateway-wide limits apply to endpoints that declare none, across views', async () => {
      await using gateway = await startGatewayOn(backend, {
        apps: [gateApp],
        limits: { concurrent: 1, queued: 0 },
      });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const key = uniqueKey('only');
      const requestId = await queue.submitId({ key });
      await queue.waitFor(requestId, 'IN_PROGRESS');
      const response = await postJson(`${gateway.url}/qtest/gate`, { key: uniqueKey('refused') });
      expect(response.status).toBe(429);
      releaseGate(key);
      await queue.waitFor(requestId, 'COMPLETED');
    });

    it('a gateway-wide concurrent limit holds back runs of endpoints that declare none', async () => {
      await using gateway = await startGatewayOn(backend, {
        apps: [openGateApp],
        limits: { concurrent: 1 },
      });
      const queue = new QueueClient(gateway.url, 'qtest/open-gate');
      const [a, b] = [uniqueKey('a'), uniqueKey('b')];
      const first = await queue.submitId({ key: a });
      await queue.waitFor(first, 'IN_PROGRESS');
      const second = await queue.submitId({ key: b });
      // Nothing to await for a start that must not happen: give it the time a start takes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await queue.status(second)).body).toMatchObject({
        status: 'IN_QUEUE',
        queue_position: 0,
      });
      expect(gateLog.started).toEqual([a]);
      releaseGate(a);
      releaseGate(b);
      expect((await queue.result(second)).body).toEqual({ key: b });
    });
  });

  describe(`status stream (${backend})`, () => {
    it('sends one status per change, IN_QUEUE to COMPLETED, with new logs only, then ends', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const [blocker, key] = [uniqueKey('blocker'), uniqueKey('watched')];
      const first = await queue.submitId({ key: blocker });
      await queue.waitFor(first, 'IN_PROGRESS');
      const watched = await queue.submitId({ key });
      const { response } = await send(`${queue.requestUrl(watched)}/status/stream?logs=1`);
      expect(response.headers['content-type']).toBe('text/event-stream');
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      const ended = new Promise((resolve) => response.once('end', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      releaseGate(blocker);
      // Ended only once the stream has told the start: on a busy machine the run could
      // otherwise end before the stream's next look, which would see COMPLETED at once.
      await until(() => gateLog.started.includes(key) && text.includes('"IN_PROGRESS"'));
      releaseGate(key);
      await ended;
      const statuses = parseEvents(text).map(
        (event) => JSON.parse(event.data) as Record<string, unknown>,
      );
      expect(statuses[0]).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
      expect(statuses.at(-1)).toMatchObject({
        status: 'COMPLETED',
        metrics: { inference_time: expect.any(Number) as number },
      });
      const inProgress = statuses.filter((status) => status.status === 'IN_PROGRESS');
      expect(inProgress.length).toBeGreaterThan(0);
      const logs = statuses.flatMap(
        (status) => (status.logs as { message: string }[] | undefined) ?? [],
      );
      expect(logs.map((log) => log.message)).toEqual([`started ${key}`, `finishing ${key}`]);
    });
  });

  describe(`retention (${backend})`, () => {
    it('after retention, status, result, stream and cancel answer request_expired (410)', async () => {
      const { gateway, expired } = await expiringGateway(backend, { apps: [countApp] });
      await using _gateway = gateway;
      const queue = new QueueClient(gateway.url, 'test/count');
      const requestId = await queue.submitId({ n: 1 });
      await queue.waitFor(requestId, 'COMPLETED');
      await expired(requestId);
      const streamed = await fetch(`${queue.requestUrl(requestId)}/status/stream`);
      const answers = [
        await queue.status(requestId),
        await queue.result(requestId),
        await queue.cancel(requestId),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(410);
        expect(answer.body.error_type).toBe('request_expired');
      }
      expect(streamed.status).toBe(410);
    });
  });
}

import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { expireEnded } from '../support/expire.js';
import { startGateway } from '../support/gateway.js';
import { parseEvents, readEvents, readText, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';
import { gateApp, gateLog, limitedApp, releaseGate } from '../fixtures/queue-apps.js';
import { QueueClient } from './queue-client.js';

beforeEach(() => {
  gateLog.started.length = 0;
  gateLog.aborted.length = 0;
});

const unique = (name: string) => `${name}-${randomUUID()}`;

describe('cancel', () => {
  it('removes a queued request: it never starts, and ends with cancelled', async () => {
    await using gateway = await startGateway({ apps: [gateApp] });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const blocker = unique('blocker');
    const first = await queue.submitId({ key: blocker });
    await queue.waitFor(first, 'IN_PROGRESS');
    const queuedKey = unique('queued');
    const queued = await queue.submitId({ key: queuedKey });
    const cancelled = await queue.cancel(queued);
    expect(cancelled).toMatchObject({ status: 202, body: { status: 'CANCELLATION_REQUESTED' } });
    expect((await queue.status(queued)).body).toMatchObject({
      status: 'COMPLETED',
      error_type: 'cancelled',
    });
    const result = await queue.result(queued);
    expect(result.status).toBe(499);
    expect(result.headers.get('x-fal-error-type')).toBe('cancelled');
    releaseGate(blocker);
    await queue.waitFor(first, 'COMPLETED');
    expect(gateLog.started).toEqual([blocker]);
    expect(gateway.dispatcher.queueDepth).toBe(0);
  });

  it('aborts a running request through ctx.signal; a finished one is ALREADY_COMPLETED', async () => {
    await using gateway = await startGateway({ apps: [gateApp] });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const key = unique('running');
    const requestId = await queue.submitId({ key });
    await queue.waitFor(requestId, 'IN_PROGRESS');
    expect((await queue.cancel(requestId)).status).toBe(202);
    const done = await queue.waitFor(requestId, 'COMPLETED');
    expect(done.body.error_type).toBe('cancelled');
    expect(gateLog.aborted).toEqual([key]);
    expect(await queue.cancel(requestId)).toMatchObject({
      status: 400,
      body: { status: 'ALREADY_COMPLETED' },
    });
  });

  it('cancels a stream request too; another key’s request is request_not_found', async () => {
    await using gateway = await startGateway({ apps: [gateApp], apiKeys: ['key-one', 'key-two'] });
    const auth = { authorization: 'Key key-one' };
    const key = unique('stream');
    const exchange = await send(`${gateway.url}/qtest/gate/stream`, {
      method: 'POST',
      body: JSON.stringify({ key }),
      headers: auth,
    });
    const requestId = String(exchange.response.headers['x-request-id']);
    const events = readEvents(exchange);
    await until(() => gateLog.started.includes(key));
    const stranger = new QueueClient(gateway.url, 'qtest/gate', { authorization: 'Key key-two' });
    const refused = await stranger.cancel(requestId);
    expect(refused).toMatchObject({ status: 404, body: { error_type: 'request_not_found' } });
    const owner = new QueueClient(gateway.url, 'qtest/gate', auth);
    expect((await owner.cancel(requestId)).status).toBe(202);
    const terminal = (await events).at(-1)!;
    expect(terminal.event).toBe('error');
    expect(JSON.parse(terminal.data)).toMatchObject({ code: 'cancelled', request_id: requestId });
  });
});

describe('no client attached', () => {
  it('a queue request outlives the cancel grace period: only cancel stops it', async () => {
    await using gateway = await startGateway({ apps: [gateApp], cancelGraceMs: 20 });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const key = unique('detached');
    const requestId = await queue.submitId({ key });
    await queue.waitFor(requestId, 'IN_PROGRESS');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await queue.status(requestId)).body.status).toBe('IN_PROGRESS');
    releaseGate(key);
    expect((await queue.result(requestId)).body).toEqual({ key });
    expect(gateLog.aborted).toEqual([]);
  });
});

describe('limits', () => {
  it('past limits.queued, every view answers 429 overloaded with Retry-After', async () => {
    await using gateway = await startGateway({ apps: [limitedApp] });
    const queue = new QueueClient(gateway.url, 'qtest/limited');
    const [a, b] = [unique('a'), unique('b')];
    const running = await queue.submitId({ key: a });
    await queue.waitFor(running, 'IN_PROGRESS');
    const waiting = await queue.submit({ key: b });
    expect(waiting.body.queue_position).toBe(0);
    const refused = await queue.submit({ key: unique('c') });
    expect(refused.status).toBe(429);
    expect(refused.body.error_type).toBe('overloaded');
    expect(refused.headers.get('retry-after')).toBe('1');
    for (const path of ['/qtest/limited', '/qtest/limited/stream']) {
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: unique('d') }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ error_type: 'overloaded' });
    }
    releaseGate(a);
    releaseGate(b);
    await queue.waitFor(String(waiting.body.request_id), 'COMPLETED');
    const later = unique('later');
    releaseGate(later);
    expect((await queue.result(await queue.submitId({ key: later }))).body).toEqual({ key: later });
  });

  it('gateway-wide limits apply to endpoints that declare none, across views', async () => {
    await using gateway = await startGateway({
      apps: [gateApp],
      limits: { concurrent: 1, queued: 0 },
    });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const key = unique('only');
    const requestId = await queue.submitId({ key });
    await queue.waitFor(requestId, 'IN_PROGRESS');
    const response = await fetch(`${gateway.url}/qtest/gate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: unique('refused') }),
    });
    expect(response.status).toBe(429);
    releaseGate(key);
    await queue.waitFor(requestId, 'COMPLETED');
  });
});

describe('status stream', () => {
  it('sends one status per change, IN_QUEUE to COMPLETED, with new logs only, then ends', async () => {
    await using gateway = await startGateway({ apps: [gateApp] });
    const queue = new QueueClient(gateway.url, 'qtest/gate');
    const [blocker, key] = [unique('blocker'), unique('watched')];
    const first = await queue.submitId({ key: blocker });
    await queue.waitFor(first, 'IN_PROGRESS');
    const watched = await queue.submitId({ key });
    const { response } = await send(`${queue.requestUrl(watched)}/status/stream?logs=1`);
    expect(response.headers['content-type']).toBe('text/event-stream');
    const text = readText(response);
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseGate(blocker);
    await until(() => gateLog.started.includes(key));
    releaseGate(key);
    const statuses = parseEvents(await text).map(
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

describe('retention', () => {
  it('after retention, status, result, stream and cancel answer request_expired (410)', async () => {
    const eventLog = new MemoryEventLog({ retentionMs: 1 });
    await using gateway = await startGateway({ apps: [countApp], eventLog });
    const queue = new QueueClient(gateway.url, 'test/count');
    const requestId = await queue.submitId({ n: 1 });
    await queue.waitFor(requestId, 'COMPLETED');
    await expireEnded(eventLog);
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

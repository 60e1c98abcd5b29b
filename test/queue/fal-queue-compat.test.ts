import { randomUUID } from 'node:crypto';
import { ApiError, createFalClient, type QueueStatus } from '@fal-ai/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { toSluice } from '../support/fal-hosts.js';
import { startGateway } from '../support/gateway.js';
import { failingApp } from '../support/test-apps.js';
import { gateApp, gateLog, releaseGate } from '../fixtures/queue-apps.js';

const KEY = 'fal-queue-key';

async function startFal() {
  const gateway = await startGateway({ apps: [gateApp, failingApp], apiKeys: [KEY] });
  const fal = createFalClient({ credentials: KEY, requestMiddleware: toSluice(gateway.url) });
  return { gateway, fal };
}

/** Fails loudly instead of letting a client poll forever. */
function bounded<Value>(promise: Promise<Value>, ms = 10_000): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError<unknown>> {
  const thrown = await bounded(
    promise.then(
      () => undefined,
      (error: unknown) => error,
    ),
  );
  if (thrown instanceof ApiError) return thrown;
  throw new Error(`expected an ApiError, got ${String(thrown)}`);
}

beforeEach(() => {
  gateLog.started.length = 0;
  gateLog.aborted.length = 0;
});

describe.each(['polling', 'streaming'] as const)('fal.subscribe (%s)', (mode) => {
  it('reports queue updates with logs and resolves with the result', async () => {
    const { gateway, fal } = await startFal();
    await using _gateway = gateway;
    const key = `subscribe-${randomUUID()}`;
    const updates: QueueStatus[] = [];
    let enqueued = '';
    const options = {
      input: { key },
      logs: true,
      onEnqueue: (requestId: string) => (enqueued = requestId),
      onQueueUpdate: (status: QueueStatus) => {
        updates.push(status);
        if (status.status === 'IN_PROGRESS') releaseGate(key);
      },
    };
    const result = await bounded(
      mode === 'polling'
        ? fal.subscribe('qtest/gate', { ...options, mode, pollInterval: 20 })
        : fal.subscribe('qtest/gate', { ...options, mode }),
    );
    expect(result).toEqual({ data: { key }, requestId: enqueued });
    const last = updates.at(-1)!;
    expect(last.status).toBe('COMPLETED');
    if (last.status !== 'COMPLETED') return;
    expect(last.metrics?.inference_time).toEqual(expect.any(Number) as number);
    expect(last.logs.map((log) => [log.message, log.level, log.source])).toEqual([
      [`started ${key}`, 'INFO', 'USER'],
      [`finishing ${key}`, 'WARN', 'USER'],
    ]);
  });

  it('ends with an error for a failing app, never polling forever', async () => {
    const { gateway, fal } = await startFal();
    await using _gateway = gateway;
    const updates: string[] = [];
    const onQueueUpdate = (status: QueueStatus) => updates.push(status.status);
    const subscription =
      mode === 'polling'
        ? fal.subscribe('test/failing', { input: {}, mode, pollInterval: 20, onQueueUpdate })
        : fal.subscribe('test/failing', { input: {}, mode, onQueueUpdate });
    const error = await rejectionOf(subscription);
    expect(error.status).toBe(500);
    expect(error.body).toMatchObject({ error_type: 'app_error' });
    expect(updates.at(-1)).toBe('COMPLETED');
  });
});

describe('fal.queue', () => {
  it('submit, status, streamStatus, result and cancel', async () => {
    const { gateway, fal } = await startFal();
    await using _gateway = gateway;
    const [first, second] = [`first-${randomUUID()}`, `second-${randomUUID()}`];
    const running = await fal.queue.submit('qtest/gate', { input: { key: first } });
    expect(running).toMatchObject({ status: 'IN_QUEUE', request_id: expect.any(String) as string });
    const queued = await fal.queue.submit('qtest/gate', {
      input: { key: second },
      priority: 'low',
    });
    const waiting = await fal.queue.status('qtest/gate', { requestId: queued.request_id });
    expect(waiting).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
    await fal.queue.cancel('qtest/gate', { requestId: queued.request_id });
    const cancelled = await fal.queue.status('qtest/gate', {
      requestId: queued.request_id,
      logs: true,
    });
    expect(cancelled).toMatchObject({ status: 'COMPLETED', error_type: 'cancelled' });
    const stream = await fal.queue.streamStatus('qtest/gate', {
      requestId: running.request_id,
      logs: true,
    });
    const seen: string[] = [];
    stream.on('data', (status: QueueStatus) => {
      seen.push(status.status);
      if (status.status === 'IN_PROGRESS') releaseGate(first);
    });
    const done = await bounded(stream.done());
    expect(done).toMatchObject({ status: 'COMPLETED', request_id: running.request_id });
    expect(seen).toContain('IN_PROGRESS');
    const result = await fal.queue.result('qtest/gate', { requestId: running.request_id });
    expect(result).toEqual({ data: { key: first }, requestId: running.request_id });
    const missing = await rejectionOf(
      fal.queue.result('qtest/gate', { requestId: queued.request_id }),
    );
    expect(missing.status).toBe(499);
    expect(gateLog.started).toEqual([first]);
  });

  it('a start timeout ends the request with a user timeout (504) that the client does not retry', async () => {
    const { gateway, fal } = await startFal();
    await using _gateway = gateway;
    const blocker = `blocker-${randomUUID()}`;
    const running = await fal.queue.submit('qtest/gate', { input: { key: blocker } });
    const late = await fal.queue.submit('qtest/gate', {
      input: { key: 'late' },
      startTimeout: 1.1,
    });
    const subscription = fal.queue.subscribeToStatus('qtest/gate', {
      requestId: late.request_id,
      mode: 'polling',
      pollInterval: 50,
    });
    await expect(bounded(subscription)).resolves.toMatchObject({
      status: 'COMPLETED',
      error_type: 'timeout',
    });
    const error = await rejectionOf(fal.queue.result('qtest/gate', { requestId: late.request_id }));
    expect(error.status).toBe(504);
    expect(error.isUserTimeout).toBe(true);
    releaseGate(blocker);
    await fal.queue.result('qtest/gate', { requestId: running.request_id });
  });
});

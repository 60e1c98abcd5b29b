import { describe, expect, it } from 'vitest';
import { createClient, type QueueStatus } from '../../src/client/index.js';
import { startGatewayOn, type GatewayBackend } from '../support/gateway.js';
import type { queueApps } from './fixtures/queue-apps.js';
import { countApp } from './fixtures/queue-apps.js';

const backends: GatewayBackend[] = ['memory', 'redis'];

describe.each(backends)('the queue from sluice/client (%s)', (backend) => {
  it('submits, reads the status, streams statuses and fetches the result', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const client = createClient<typeof queueApps>({ baseUrl: gateway.url });
    const submitted = await client.queue.submit('ops/count', { n: 3, delay_ms: 20 });
    expect(submitted.status).toBe('IN_QUEUE');
    expect(submitted.request_id).toMatch(/\S/);
    const now = await client.queue.status('ops/count', submitted.request_id);
    expect(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']).toContain(now.status);
    const seen: QueueStatus[] = [];
    for await (const status of client.queue.statusStream('ops/count', submitted.request_id, {
      logs: true,
    }))
      seen.push(status);
    const last = seen.at(-1);
    expect(last?.status).toBe('COMPLETED');
    const logs = last?.status === 'COMPLETED' ? (last.logs ?? []) : [];
    expect(seen.flatMap((status) => ('logs' in status ? (status.logs ?? []) : [])).length).toBe(3);
    expect(logs.length).toBeLessThanOrEqual(3);
    await expect(client.queue.result('ops/count', submitted.request_id)).resolves.toEqual({
      count: 3,
    });
  });

  it('subscribes: reports the queue position while waiting, then resolves with the output', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const client = createClient<typeof queueApps>({ baseUrl: gateway.url });
    const first = await client.queue.submit('ops/count', { n: 10, delay_ms: 30 });
    const updates: QueueStatus[] = [];
    let enqueued = '';
    const output = await client.subscribe(
      'ops/count',
      { n: 1 },
      {
        onEnqueue: (requestId) => (enqueued = requestId),
        onQueueUpdate: (status) => updates.push(status),
      },
    );
    expect(output).toEqual({ count: 1 });
    expect(enqueued).not.toBe(first.request_id);
    expect(updates[0]).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
    expect(updates.at(-1)?.status).toBe('COMPLETED');
    expect(updates.map((status) => status.request_id)).toEqual(updates.map(() => enqueued));
  });

  it('types and serves extra endpoints through the queue', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const client = createClient<typeof queueApps>({ baseUrl: gateway.url });
    const output = await client.subscribe('ops/count', { x: 21 }, { path: '/double' });
    expect(output.doubled).toBe(42);
    await expect(client.run('ops/count', { x: 2 }, { path: '/double' })).resolves.toEqual({
      doubled: 4,
    });
  });

  it('rejects a subscribe with the run’s error, and a bad input with invalid_input', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const client = createClient<typeof queueApps>({ baseUrl: gateway.url });
    await expect(client.subscribe('ops/count', {}, { path: '/fail' })).rejects.toMatchObject({
      code: 'app_error',
    });
    // @ts-expect-error: n must be a number
    await expect(client.queue.submit('ops/count', { n: 'many' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(client.queue.status('ops/count', 'no-such-request')).rejects.toMatchObject({
      code: 'request_not_found',
    });
  });

  it('cancels a queued request, and an aborted subscribe cancels its request', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const client = createClient<typeof queueApps>({ baseUrl: gateway.url });
    const running = await client.queue.submit('ops/count', { n: 50, delay_ms: 50 });
    const waiting = await client.queue.submit('ops/count', { n: 1 });
    await client.queue.cancel('ops/count', waiting.request_id);
    await expect(client.queue.result('ops/count', waiting.request_id)).rejects.toMatchObject({
      code: 'cancelled',
    });
    const controller = new AbortController();
    let requestId = '';
    const subscribed = client.subscribe(
      'ops/count',
      { n: 1 },
      { signal: controller.signal, onEnqueue: (id) => (requestId = id) },
    );
    await expect.poll(() => requestId).not.toBe('');
    controller.abort();
    await expect(subscribed).rejects.toMatchObject({ code: 'cancelled' });
    await expect(client.queue.result('ops/count', requestId)).rejects.toMatchObject({
      code: 'cancelled',
    });
    await client.queue.cancel('ops/count', running.request_id);
  });

  it('sends the run deadline, priority and start timeout as headers', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const client = createClient<typeof queueApps>({ baseUrl: gateway.url });
    const submitted = await client.queue.submit(
      'ops/count',
      { n: 100, delay_ms: 100 },
      { runTimeoutSeconds: 0.3, priority: 5, startTimeoutSeconds: 30 },
    );
    await expect(client.queue.result('ops/count', submitted.request_id)).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});

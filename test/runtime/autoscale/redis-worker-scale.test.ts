import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/runtime/create-runtime.js';
import { QueueClient } from '../../queue/queue-client.js';
import { startRedisGateway } from '../../support/gateway.js';
import { until } from '../../support/sse-client.js';
import { scaledEcho } from '../../fixtures/autoscale-apps.js';
import { fixtureUrl } from '../replicas/replica-harness.js';

describe('autoscaled replicas on a Redis worker', { timeout: 90_000 }, () => {
  it('starts a replica for a request waiting in the shared queue, which keeps its place meanwhile', async () => {
    const runtime = createRuntime([
      { app: scaledEcho, moduleUrl: fixtureUrl('autoscale-apps.ts') },
    ]);
    await using gateway = await startRedisGateway({ apps: [scaledEcho], runtime });
    expect(runtime.status('test/scaled-echo').scale?.current).toBe(0);
    const queue = new QueueClient(gateway.url, 'test/scaled-echo');
    const answer = await queue.submit({});
    expect(answer.body.queue_position).toBe(0);
    const requestId = String(answer.body.request_id);
    await until(async () => (await queue.status(requestId)).body.status === 'COMPLETED', 30_000);
    const result = await queue.result(requestId);
    expect(result.status).toBe(200);
    expect(typeof result.body.pid).toBe('number');
    expect(result.body.pid).not.toBe(process.pid);
    await until(() => runtime.status('test/scaled-echo').scale?.current === 0, 30_000);
  });
});

import { describe, expect, it } from 'vitest';
import { QueueClient } from '../../queue/queue-client.js';
import { startGateway, startRedisGateway } from '../../support/gateway.js';
import { until } from '../../support/sse-client.js';
import { heldApp } from '../../fixtures/autoscale-apps.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const WAITING = 'sluice_queue_waiting{app="test/held"}';
const OLDEST = 'sluice_queue_oldest_wait_seconds{app="test/held"}';

/**
 * One request runs and holds; a low-priority one waits, then a normal one that starts
 * first: the oldest wait is the low one's, behind the head of the queue.
 */
async function checkQueueMetrics(url: string): Promise<void> {
  const queue = new QueueClient(url, 'test/held');
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  const running = await queue.submitId({});
  await queue.waitFor(running, 'IN_PROGRESS');
  expect(sample(await metrics(), WAITING)).toBe(0);
  expect(sample(await metrics(), OLDEST)).toBe(0);
  const low = await queue.submitId({}, { headers: { 'x-fal-queue-priority': 'low' } });
  await new Promise((resolve) => setTimeout(resolve, 400));
  const normal = await queue.submitId({});
  const text = await metrics();
  expect(sample(text, WAITING)).toBe(2);
  expect(sample(text, OLDEST)).toBeGreaterThanOrEqual(0.4);
  expect(sample(text, OLDEST)).toBeLessThan(30);
  expect((await queue.status(normal)).body.queue_position).toBe(0);
  for (const requestId of [low, normal, running]) await queue.cancel(requestId);
  await until(async () => sample(await metrics(), WAITING) === 0);
  expect(sample(await metrics(), OLDEST)).toBe(0);
}

describe('per-app queue metrics for an external autoscaler', () => {
  it('Redis mode: the gateway reports the shared queue’s depth and oldest wait', async () => {
    await using gateway = await startRedisGateway({ apps: [heldApp] });
    await checkQueueMetrics(gateway.url);
  });

  it('the in-memory queue reports the same', async () => {
    await using gateway = await startGateway({ apps: [heldApp] });
    await checkQueueMetrics(gateway.url);
  });
});

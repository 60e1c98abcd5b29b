import { describe, expect, it } from 'vitest';
import { startRedisGateway, startTestWorker } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { doubleApp, isResult, openProbe } from './realtime-support.js';

/** How long a shutting-down gateway waits for answers before it closes its connections. */
const FLUSH_WAIT_MS = 2_000;

describe('a realtime connection whose answer does not come while its gateway shuts down', () => {
  it('is closed with 1001 after the flush wait; the run goes on, and another gateway answers it', async () => {
    await using gateway = await startRedisGateway({ apps: [] });
    await using _worker = await startTestWorker(gateway.redis, [doubleApp]);
    await until(async () => {
      const response = await fetch(`${gateway.url}/apps`);
      return ((await response.json()) as { apps: unknown[] }).apps.length === 1;
    });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime?acks=1`);
    probe.sendJson({ x: 4, delay_ms: 4_000 }); // runs on the worker, past the flush wait
    const accepted = await probe.next((message) => message.accepted !== undefined);
    const started = performance.now();
    await gateway.close(); // a pure gateway: the worker's run is not its to cancel
    const closed = await probe.closed;
    const waited = performance.now() - started;
    expect(closed.code).toBe(1001);
    expect(waited).toBeGreaterThan(FLUSH_WAIT_MS - 100);
    expect(waited).toBeLessThan(FLUSH_WAIT_MS + 1_500);
    expect(probe.messages.some(isResult)).toBe(false);

    await using other = await startRedisGateway({ apps: [], redis: gateway.redis });
    await using again = await openProbe(`${other.url}/rt/double/realtime`);
    again.sendJson({ type: 'x-sluice-attach', request_id: accepted.request_id });
    expect(await again.next(isResult, 10_000)).toEqual({
      doubled: 8,
      request_id: accepted.request_id,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { startGateway, startRedisGateway } from '../support/gateway.js';
import { doubleApp, isResult, openProbe, refusalOf } from './realtime-support.js';

describe('the realtime view while the gateway shuts down', () => {
  it('refuses a new upgrade with 503 app_unavailable before it, and lets the running input end', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], shutdownDeadlineMs: 10_000 });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    probe.sendJson({ x: 5, delay_ms: 800 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the run has started
    const closing = gateway.close(); // waits for the running input, up to the deadline
    const refusal = await refusalOf(`${gateway.url}/rt/double/realtime`);
    expect(refusal.status).toBe(503);
    expect(refusal.headers['retry-after']).toBe('1');
    expect(refusal.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(refusal.body)).toEqual({
      detail: 'The server is shutting down',
      error_type: 'app_unavailable',
      code: 'app_unavailable',
    });
    // The session already open still gets its answer, then is closed as going away (1001).
    expect(await probe.next(isResult)).toMatchObject({ doubled: 10 });
    expect((await probe.closed).code).toBe(1001);
    await closing;
  });

  it('in Redis mode, sends a running input its answer before closing with 1001', async () => {
    await using gateway = await startRedisGateway({
      apps: [doubleApp],
      shutdownDeadlineMs: 10_000,
    });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    probe.sendJson({ x: 6, delay_ms: 500 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the run has started
    const closing = gateway.close();
    // The answer is read back from Redis, a round trip after the run ends: it still goes out.
    expect(await probe.next(isResult)).toMatchObject({ doubled: 12 });
    expect((await probe.closed).code).toBe(1001);
    await closing;
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { doubleApp, isResult, openProbe } from './realtime-support.js';

/** Polls every 5 ms, for at most 5 s. */
async function waitFor(ready: () => boolean): Promise<void> {
  for (let wait = 0; !ready() && wait < 1_000; wait++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  expect(ready()).toBe(true);
}

describe('realtime inputs are ordinary requests', () => {
  it('count in the metrics under view="realtime"', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    probe.sendJson({ x: 1 });
    await probe.next(isResult);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sluice_requests_total\{app="rt\/double",endpoint="\/",view="realtime",outcome="ok"\} 1/,
    );
  });

  it('meet the endpoint limits: past them an input answers overloaded and the connection stays', async () => {
    let release = () => undefined as void;
    const heldApp = defineApp({
      id: 'rt/held',
      input: z.object({ x: z.number() }),
      async run({ x }) {
        await new Promise<void>((resolve) => (release = resolve));
        return { x };
      },
      limits: { concurrent: 1, queued: 0 },
    });
    await using gateway = await startGateway({ apps: [heldApp] });
    await using first = await openProbe(`${gateway.url}/rt/held/realtime`);
    await using second = await openProbe(`${gateway.url}/rt/held/realtime`);
    first.sendJson({ x: 1 });
    while (gateway.dispatcher.activeRuns === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    second.sendJson({ x: 2 });
    expect(await second.next()).toMatchObject({
      type: 'x-fal-error',
      error: 'overloaded',
      retryable: true,
      request_id: null,
    });
    release();
    expect(await first.next(isResult)).toMatchObject({ x: 1 });
    await waitFor(() => gateway.dispatcher.activeRuns === 0);
    second.sendJson({ x: 3 });
    await waitFor(() => gateway.dispatcher.activeRuns === 1);
    release();
    expect(await second.next(isResult)).toMatchObject({ x: 3 });
  });
});

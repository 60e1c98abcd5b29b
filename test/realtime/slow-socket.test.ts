import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { isResult, openProbe } from './realtime-support.js';

const STEPS = 400;
const PAD = 'p'.repeat(16 * 1024);

/** Emits many large progress events, one by one: far more than a paused socket can hold. */
const floodApp = defineApp({
  id: 'rt/flood',
  input: z.object({}),
  async run(_input, ctx) {
    for (let step = 1; step <= STEPS; step++) {
      ctx.progress(step, STEPS, PAD);
      // One at a time, so a cursor that keeps reading sees every one of them.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { steps: STEPS };
  },
  realtime: { maxBufferedBytes: 1024 },
});

describe('a slow realtime socket', () => {
  it('skips superseded progress (latest wins) instead of buffering it, and still gets the result', async () => {
    await using gateway = await startGateway({ apps: [floodApp] });
    await using probe = await openProbe(`${gateway.url}/rt/flood/realtime?events=1`);
    probe.socket.pause(); // the client stops reading: the server's socket fills
    probe.sendJson({});
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    probe.socket.resume();
    const result = await probe.next(isResult, 20_000);
    expect(result).toMatchObject({ steps: STEPS });
    const steps = probe.messages
      .filter((message) => message.event === 'progress')
      .map((message) => (message.data as { step: number }).step);
    expect(steps.length).toBeLessThan(STEPS);
    expect(steps.at(-1)).toBe(STEPS);
    expect(steps).toEqual([...steps].sort((left, right) => left - right));
  });
});

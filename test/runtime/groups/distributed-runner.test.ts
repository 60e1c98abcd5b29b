import { describe, expect, it } from 'vitest';
import { DistributedRunner } from '../../../src/runtime/distributed/distributed-runner.js';
import { fixtureUrl } from '../replicas/replica-harness.js';

function sumRunner() {
  return new DistributedRunner<
    { steps: number; fail?: boolean; hold?: boolean },
    { total: number; ranks: number }
  >({
    worker: fixtureUrl('group-worker.ts'),
    worldSize: 2,
    collectiveTimeoutMs: 2_000,
    cancelDeadlineMs: 1_000,
  });
}

describe('DistributedRunner and DistributedWorker', () => {
  it('streams rank 0’s results, then the result; invoke answers the result', async () => {
    const runner = sumRunner();
    try {
      const events = [];
      for await (const event of runner.stream({ steps: 3 })) events.push(event);
      // step k: rank 0 adds k, rank 1 adds 10 + k
      expect(events).toEqual([
        { type: 'output', data: { step: 1, total: 12 } },
        { type: 'output', data: { step: 2, total: 26 } },
        { type: 'output', data: { step: 3, total: 42 } },
        { type: 'result', data: { total: 42, ranks: 2 } },
      ]);
      expect(await runner.invoke({ steps: 1 })).toEqual({ total: 12, ranks: 2 });
    } finally {
      await runner.close();
    }
  });

  it('a rank that throws fails the payload with its error; the group serves the next one', async () => {
    const runner = sumRunner();
    try {
      await expect(runner.invoke({ steps: 2, fail: true })).rejects.toMatchObject({
        code: 'app_error',
        message: 'The app raised Error',
      });
      expect(await runner.invoke({ steps: 1 })).toEqual({ total: 12, ranks: 2 });
    } finally {
      await runner.close();
    }
  });

  it('leaving the stream early cancels the payload on every rank, without a restart', async () => {
    const runner = sumRunner();
    try {
      for await (const event of runner.stream({ steps: 5, hold: true })) {
        expect(event).toEqual({ type: 'output', data: { step: 1, total: 12 } });
        break;
      }
      expect(await runner.invoke({ steps: 1 })).toEqual({ total: 12, ranks: 2 });
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the cancel deadline
      const group = runner.status().replicas?.[0];
      expect(group).toMatchObject({ state: 'ready', restarts: 0 });
      expect(group?.lastError).toBeUndefined();
      const controller = new AbortController();
      const held = runner.invoke({ steps: 2, hold: true }, { signal: controller.signal });
      controller.abort();
      await expect(held).rejects.toMatchObject({ code: 'cancelled' });
    } finally {
      await runner.close();
    }
  });
});

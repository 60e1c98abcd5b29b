import { describe, expect, it } from 'vitest';
import type { ReplicaStatus } from '../../../src/runtime/runtime.js';
import { groupRanks } from '../../fixtures/group-ranks.js';
import { until } from '../../support/sse-client.js';
import type { TestGateway } from '../../support/gateway.js';
import { lastData, startReplicaGateway, streamEvents } from '../replicas/replica-harness.js';

const STREAM = '/test/group-ranks/stream';

/** The operator's view (with pids and the error text): open probes leave them out. */
async function groupStatus(gateway: TestGateway): Promise<ReplicaStatus> {
  return Promise.resolve(gateway.runtime.status('test/group-ranks').replicas![0]!);
}

describe('worker groups', () => {
  it('only rank 0 may start child runs: ctx.map on another rank fails with a clear message', async () => {
    await using gateway = await startReplicaGateway({ app: groupRanks, file: 'group-ranks.ts' });
    const events = await streamEvents(`${gateway.url}${STREAM}`, { mode: 'rank1-maps' });
    const { mapErrors } = lastData<{ mapErrors: (string | null)[] }>(events);
    expect(mapErrors[0]).toBeNull();
    expect(mapErrors[1]).toMatch(/only rank 0/);
  });

  it('runs every rank with its environment; only rank 0 streams and answers', async () => {
    await using gateway = await startReplicaGateway({ app: groupRanks, file: 'group-ranks.ts' });
    expect(gateway.runtime.capacity('test/group-ranks')).toBe(1);
    expect((await groupStatus(gateway)).pids).toHaveLength(2);
    const events = await streamEvents(`${gateway.url}${STREAM}`, { size: 1000 });
    expect(events.map((event) => event.event)).toEqual(['output', 'result']);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ rank: 0 });
    expect(lastData(events)).toEqual({
      rank: 0,
      worldSize: 2,
      total: 3,
      typed: [true, true],
      sums: [1000, 2000],
      env: { RANK: '0', LOCAL_RANK: '0', WORLD_SIZE: '2', CUDA_VISIBLE_DEVICES: 'gpu-0' },
      setupRank: 0,
    });
  });

  it('takes one request at a time per group', async () => {
    await using gateway = await startReplicaGateway({ app: groupRanks, file: 'group-ranks.ts' });
    const runs = await Promise.all(
      [0, 1, 2].map(() => streamEvents(`${gateway.url}${STREAM}`, { hold_ms: 50 })),
    );
    expect(runs.map((events) => lastData<{ total: number }>(events).total)).toEqual([3, 3, 3]);
  });

  it('a collective that a rank misses fails the request, naming the missing rank', async () => {
    await using gateway = await startReplicaGateway({ app: groupRanks, file: 'group-ranks.ts' });
    const events = await streamEvents(`${gateway.url}${STREAM}`, { mode: 'rank1-skips' });
    const error = lastData<{ code: string; message: string }>(events);
    expect(events.at(-1)?.event).toBe('error');
    expect(error.message).toMatch(/timed out.*\b1\b/);
  });

  it('a collective payload that cannot be cloned fails the request with app_error; the group goes on', async () => {
    await using gateway = await startReplicaGateway({ app: groupRanks, file: 'group-ranks.ts' });
    const before = (await groupStatus(gateway)).pids;
    const events = await streamEvents(`${gateway.url}${STREAM}`, {
      mode: 'rank1-sends-a-function',
    });
    const error = lastData<{ code: string; message: string }>(events);
    expect(error).toMatchObject({ code: 'app_error' });
    expect(error.message).toMatch(/cannot be sent between processes/);
    const again = await streamEvents(`${gateway.url}${STREAM}`, {});
    expect(lastData(again)).toMatchObject({ total: 3 });
    expect((await groupStatus(gateway)).pids).toEqual(before); // no rank was restarted
  });

  it('any rank dying fails the request with worker_lost and restarts the whole group', async () => {
    await using gateway = await startReplicaGateway({ app: groupRanks, file: 'group-ranks.ts' });
    const before = (await groupStatus(gateway)).pids;
    const events = await streamEvents(`${gateway.url}${STREAM}`, { mode: 'rank1-exits' });
    expect(lastData(events)).toMatchObject({ code: 'worker_lost' });
    await until(async () => (await groupStatus(gateway)).state === 'ready', 10_000);
    const after = await groupStatus(gateway);
    expect(after.lastError).toBe('rank 1 exited with code 5');
    expect(after.pids.filter((pid) => before.includes(pid))).toEqual([]);
    const again = await streamEvents(`${gateway.url}${STREAM}`, {});
    expect(lastData(again)).toMatchObject({ total: 3 });
  });
});

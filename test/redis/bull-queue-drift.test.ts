import { describe, expect, it, vi } from 'vitest';
import { LIST_SCRIPT } from '../../src/redis/bull-index-scripts.js';
import { BullIndex } from '../../src/redis/bull-index.js';
import type { Lane } from '../../src/redis/bull-lane-name.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import { deployment, entry, takeUntilEmpty } from './bull-queue-fixtures.js';

const lane: Lane = { appId: 'b/drift', endpoint: '' };
/** A repair pass every 100 ms, taking off orphans of any age. */
const repairing = { stalledCheckMs: 100, reconcileMs: 100, orphanAfterMs: 0 };
const REPAIRED = { timeout: 5_000, interval: 50 };

describe('BullRequestQueue: drift between its index and BullMQ', () => {
  it('drops an entry listed by a gateway that died before adding its job', async () => {
    await using processes = deployment();
    const gateway = await processes.open();
    const [orphan, queued] = [entry(lane.appId), entry(lane.appId)];
    await new BullIndex(gateway.hub).list(orphan); // the gateway dies here
    await gateway.queue.enqueue(queued);
    expect(await gateway.queue.laneDepth(lane)).toBe(2);

    const worker = await processes.open(repairing);
    await worker.queue.serveLanes([lane]);
    await vi.waitFor(async () => expect(await gateway.queue.laneDepth(lane)).toBe(1), REPAIRED);
    expect(await gateway.queue.position(queued.requestId)).toBe(0);
    expect(await worker.queue.take(() => true)).toEqual(queued);
  });

  it('keeps young entries whose job may be on its way', async () => {
    await using processes = deployment();
    const gateway = await processes.open();
    const young = entry(lane.appId);
    await new BullIndex(gateway.hub).list(young);
    const worker = await processes.open({ ...repairing, orphanAfterMs: 60_000 });
    await worker.queue.serveLanes([lane]);
    const stray = entry(lane.appId); // relisted by a pass, after that pass looked at orphans
    await gateway.queue.enqueue(stray);
    await new BullIndex(gateway.hub).unlist(stray);
    await vi.waitFor(async () => expect(await gateway.queue.laneDepth(lane)).toBe(2), REPAIRED);
    expect(await gateway.queue.position(young.requestId)).toBe(0);
  });

  it('lists again, at their first place, jobs waiting in BullMQ but missing from the index', async () => {
    await using processes = deployment();
    const gateway = await processes.open();
    const [first, second] = [entry(lane.appId), entry(lane.appId)];
    for (const queued of [first, second]) await gateway.queue.enqueue(queued);
    await new BullIndex(gateway.hub).unlist(first); // its stalled checker died before relisting
    expect(await gateway.queue.position(first.requestId)).toBeUndefined();

    const worker = await processes.open(repairing);
    await worker.queue.serveLanes([lane]);
    await vi.waitFor(
      async () => expect(await gateway.queue.position(first.requestId)).toBe(0),
      REPAIRED,
    );
    expect(await takeUntilEmpty(worker.queue)).toEqual([first.requestId, second.requestId]);
  });
});

describe('BullIndex gates re-sent after a lost reply', () => {
  async function openIndex() {
    const prefix = uniquePrefix();
    const hub = await RedisHub.connect({ url: redisUrl(), prefix });
    const cleanup = async () => {
      await hub.close();
      await deletePrefix(prefix);
    };
    return { hub, index: new BullIndex(hub), [Symbol.asyncDispose]: cleanup };
  }

  it('a list sent twice passes twice; another list of the id does not', async () => {
    await using opened = await openIndex();
    const { hub } = opened;
    const sets = [hub.key('all'), hub.key('app'), hub.key('lane')];
    const keys = [hub.key('records'), hub.key('counter'), ...sets];
    const base = 4 * 2 ** 41; // scores of this size stay exact through the script's numbers
    const send = (call: string) =>
      LIST_SCRIPT.run(hub.command, keys, ['id-1', `,"call":"${call}"}`, base]);
    expect(await send('call-1')).toBe(1);
    expect(await send('call-1')).toBe(1); // the re-send
    expect(await send('call-2')).toBe(0);
    const record = JSON.parse((await hub.command.hget(hub.key('records'), 'id-1'))!) as unknown;
    expect(record).toEqual({ score: base + 1, call: 'call-1' });
    for (const set of sets)
      expect(await hub.command.zrange(set, 0, -1, 'WITHSCORES')).toEqual(['id-1', `${base + 1}`]);
  });

  it('an unlist or a forget sent twice passes twice; another call does not', async () => {
    await using opened = await openIndex();
    const { index } = opened;
    const queued = entry(lane.appId);
    expect(await index.list(queued)).toBe(true);
    expect(await index.unlist(queued, 'token-1')).toBe(true);
    expect(await index.unlist(queued, 'token-1')).toBe(true);
    expect(await index.unlist(queued, 'token-2')).toBe(false);
    expect(await index.forget(queued.requestId, 'token-1')).toBe(true);
    expect(await index.forget(queued.requestId, 'token-1')).toBe(true);
    expect(await index.forget(queued.requestId, 'token-2')).toBe(false);
    expect(await index.lookup(queued.requestId)).toBeUndefined();
  });
});

import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/dispatch/request-queue.js';
import { BullRequestQueue } from '../../src/redis/bull-request-queue.js';
import { laneName } from '../../src/redis/bull-lane-name.js';
import { MAX_PRIORITY } from '../../src/redis/bull-priority.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { describeRequestQueueConformance } from 'sluice/protocol';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import {
  deployment,
  entry,
  nextLost,
  subscribed,
  takeUntilEmpty,
  type Instance,
} from './bull-queue-fixtures.js';

describeRequestQueueConformance({ describe, it, expect }, 'bullmq', async () => {
  const prefix = uniquePrefix();
  const hub = await RedisHub.connect({ url: redisUrl(), prefix });
  const queue = new BullRequestQueue(hub);
  return Object.assign(queue, {
    [Symbol.asyncDispose]: async () => {
      await queue.close();
      await hub.close();
      await deletePrefix(prefix);
    },
  });
});

describe('BullRequestQueue', () => {
  it('hands out the entry as enqueued, payload included, and settles it', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const queued = entry('b/payload', { endpoint: '/img2img' });
    await queue.enqueue(queued);
    expect(await queue.laneDepth(queued)).toBe(1);
    expect(await queue.take(() => true)).toEqual(queued);
    expect(await queue.laneDepth(queued)).toBe(0);
    expect(await queue.remove(queued.requestId)).toBe(false);
    await queue.settle(queued.requestId);
    expect(await queue.remove(queued.requestId)).toBe(false);
    expect(await queue.take(() => true)).toBeUndefined();
  });

  it('takes entry after entry from one look at the queue, in start order, asking before each', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const entries = [
      entry('b/each-1'),
      entry('b/each-2', { priority: 1 }),
      entry('b/each-1'),
      entry('b/each-3'),
    ];
    for (const queued of entries) await queue.enqueue(queued);
    const taken: string[] = [];
    const asked: string[] = [];
    const eligible = (candidate: QueueEntry) => {
      asked.push(candidate.requestId);
      return candidate.appId !== 'b/each-3' && taken.length < 2;
    };
    for await (const each of queue.takeEach(eligible)) taken.push(each.requestId);
    // b/each-2 first (its priority), then b/each-1's head; then there is no room left.
    expect(taken).toEqual([entries[1]!.requestId, entries[0]!.requestId]);
    const inStartOrder = [1, 0, 2, 3].map((index) => entries[index]!.requestId);
    expect(asked).toEqual(inStartOrder);
    expect(await queue.depth()).toBe(2);
  });

  it('a settle announces the lane only while something waits, and says whether it does', async () => {
    await using processes = deployment();
    const { hub, queue } = await processes.open();
    const announced: number[] = [];
    queue.onQueued(() => announced.push(Date.now()));
    await subscribed(hub, hub.channel('queued'));
    const [first, second] = [entry('b/settle'), entry('b/settle')];
    await queue.enqueue(first);
    await queue.enqueue(second);
    await expect.poll(() => announced.length).toBe(2);
    await queue.take(() => true);
    expect(await queue.settle(first.requestId)).toBe(true); // the second waits
    await expect.poll(() => announced.length).toBe(3);
    await queue.take(() => true);
    expect(await queue.settle(second.requestId)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(announced).toHaveLength(3);
  });

  it('two processes take 50 entries concurrently: each once, none lost', async () => {
    await using processes = deployment();
    const [first, second] = [await processes.open(), await processes.open()];
    const entries = Array.from({ length: 50 }, (_, index) =>
      entry(`b/app-${index % 3}`, { priority: index % 2 }),
    );
    for (const queued of entries) await first.queue.enqueue(queued);
    const takers = [first, second, first, second, first, second].map(({ queue }) =>
      takeUntilEmpty(queue),
    );
    const taken = (await Promise.all(takers)).flat();
    expect(taken).toHaveLength(50);
    expect(new Set(taken)).toEqual(new Set(entries.map((queued) => queued.requestId)));
    expect(await second.queue.depth()).toBe(0);
  });

  it('orders extreme priorities within a lane: MAX_PRIORITY, 0, -MAX_PRIORITY', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const [normal, lowest, highest] = [0, -MAX_PRIORITY, MAX_PRIORITY].map((priority) =>
      entry('b/priorities', { priority }),
    );
    for (const queued of [normal!, lowest!, highest!]) await queue.enqueue(queued);
    expect(await queue.position(highest!.requestId)).toBe(0);
    expect(await queue.position(lowest!.requestId)).toBe(2);
    expect(await takeUntilEmpty(queue)).toEqual(
      [highest!, normal!, lowest!].map((queued) => queued.requestId),
    );
  });

  it('refuses priorities it cannot order', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    for (const priority of [MAX_PRIORITY + 1, -MAX_PRIORITY - 1, 0.5])
      await expect(queue.enqueue(entry('b/refused', { priority }))).rejects.toThrow(TypeError);
    expect(await queue.depth()).toBe(0);
  });

  it('global concurrency 1: no process takes from the lane again until settle', async () => {
    await using processes = deployment();
    const concurrencyOf = ({ endpoint }: { endpoint: string }) =>
      endpoint === '/single' ? 1 : undefined;
    const [first, second] = [
      await processes.open({ concurrencyOf }),
      await processes.open({ concurrencyOf }),
    ];
    const [one, two] = [
      entry('b/gpu', { endpoint: '/single' }),
      entry('b/gpu', { endpoint: '/single' }),
    ];
    const other = entry('b/gpu');
    for (const queued of [one, two, other]) await first.queue.enqueue(queued);
    expect((await first.queue.take(() => true))?.requestId).toBe(one.requestId);
    expect((await second.queue.take(() => true))?.requestId).toBe(other.requestId);
    expect(await second.queue.take(() => true)).toBeUndefined();
    expect(await first.queue.take(() => true)).toBeUndefined();
    const roomAgain = new Promise<void>((resolve) => second.queue.onQueued(resolve));
    await subscribed(second.hub, second.hub.channel('queued'));
    await first.queue.settle(one.requestId);
    await roomAgain;
    expect((await second.queue.take(() => true))?.requestId).toBe(two.requestId);
  });

  it('one of two concurrent removers on two gateways wins', async () => {
    await using processes = deployment();
    const [first, second] = [await processes.open(), await processes.open()];
    const queued = entry('b/cancel');
    await first.queue.enqueue(queued);
    const removals = await Promise.all([
      first.queue.remove(queued.requestId),
      second.queue.remove(queued.requestId),
    ]);
    expect(removals.filter(Boolean)).toHaveLength(1);
    expect(await first.queue.take(() => true)).toBeUndefined();
  });

  it('an enqueue on one process wakes onQueued on another', async () => {
    await using processes = deployment();
    const [gateway, worker] = [await processes.open(), await processes.open()];
    const woken = new Promise<void>((resolve) => worker.queue.onQueued(resolve));
    await subscribed(worker.hub, worker.hub.channel('queued'));
    await gateway.queue.enqueue(entry('b/wake'));
    await woken;
  });
});

describe('BullRequestQueue: a taker that dies', () => {
  const lane = { appId: 'b/stall', endpoint: '' };

  async function takeAndDie(dying: Instance, expected: QueueEntry): Promise<void> {
    expect(await dying.queue.take(() => true)).toEqual(expected);
    await dying.close(); // no settle, no more lock renewals: as a killed process
  }

  it('is reported lost, not retrying, when no retries are allowed', async () => {
    await using processes = deployment();
    const watcher = await processes.open({ stalledCheckMs: 500 });
    await watcher.queue.serveLanes([lane]);
    const dying = await processes.open({ lockMs: 1_000 });
    const queued = entry(lane.appId);
    await dying.queue.enqueue(queued);
    const lost = nextLost(watcher.queue);
    await takeAndDie(dying, queued);
    expect(await lost).toEqual([queued, false]);
    expect(await watcher.queue.take(() => true)).toBeUndefined();
    expect(await watcher.queue.remove(queued.requestId)).toBe(false);
  });

  it('is retried at the front once, then reported lost for good', async () => {
    await using processes = deployment();
    const watcher = await processes.open({ stalledCheckMs: 500, retriesOf: () => 1 });
    await watcher.queue.serveLanes([lane]);
    const [firstTaker, secondTaker] = [
      await processes.open({ lockMs: 1_000 }),
      await processes.open({ lockMs: 1_000 }),
    ];
    const [queued, behind] = [entry(lane.appId), entry(lane.appId)];
    for (const waiting of [queued, behind]) await firstTaker.queue.enqueue(waiting);

    const retried = nextLost(watcher.queue);
    await takeAndDie(firstTaker, queued);
    expect(await retried).toEqual([queued, true]);
    expect(await watcher.queue.position(queued.requestId)).toBe(0);

    const failed = nextLost(watcher.queue);
    await takeAndDie(secondTaker, queued);
    expect(await failed).toEqual([queued, false]);
    expect(await watcher.queue.take(() => true)).toEqual(behind);
    expect(await watcher.queue.depth()).toBe(0);
  });

  it('is failed and reported by the take that meets it, when its checker could not', async () => {
    await using processes = deployment();
    const [dying, taker] = [await processes.open({ lockMs: 1_000 }), await processes.open()];
    // A bare BullMQ checker: it marks the stalled job failed and tells nobody.
    const checker = new Worker(laneName(lane), null, {
      connection: { url: redisUrl(), maxRetriesPerRequest: null },
      prefix: dying.hub.key('bull'),
      autorun: false,
      maxStalledCount: 0,
      stalledInterval: 500,
    });
    try {
      const [queued, behind] = [entry(lane.appId), entry(lane.appId)];
      for (const waiting of [queued, behind]) await dying.queue.enqueue(waiting);
      const stalled = new Promise((resolve) => checker.on('stalled', resolve));
      await checker.startStalledCheckTimer();
      const lost = nextLost(taker.queue);
      await takeAndDie(dying, queued);
      expect(await stalled).toBe(queued.requestId);
      expect(await taker.queue.take(() => true)).toEqual(behind);
      expect(await lost).toEqual([queued, false]);
      expect(await taker.queue.depth()).toBe(0);
    } finally {
      await checker.close();
    }
  });
});

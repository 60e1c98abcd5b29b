import { describe, expect, it } from 'vitest';
import { laneName, type Lane } from '../../src/redis/bull-lane-name.js';
import { BullLanes } from '../../src/redis/bull-lanes.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';
import { startRedisServer } from '../support/redis-server.js';
import { deployment, entry, nextLockLost, nextLost, type Instance } from './bull-queue-fixtures.js';

const lane: Lane = { appId: 'b/locks', endpoint: '' };

function lockKey(instance: Instance, requestId: string): string {
  return `${instance.hub.key('bull')}:${laneName(lane)}:${requestId}:lock`;
}

describe('BullRequestQueue: a taker that loses its lock', () => {
  it('is told, and its settle leaves the retry that now holds the run alone', async () => {
    await using processes = deployment();
    const watcher = await processes.open({ stalledCheckMs: 200, retriesOf: () => 1 });
    await watcher.queue.serveLanes([lane]);
    const [first, second] = [await processes.open({ lockMs: 1_000 }), await processes.open()];
    const queued = entry(lane.appId);
    await first.queue.enqueue(queued);
    expect(await first.queue.take(() => true)).toEqual(queued);

    const lockLost = nextLockLost(first.queue);
    const retried = nextLost(watcher.queue);
    await first.hub.command.del(lockKey(first, queued.requestId)); // as a lock that lapsed
    expect(await lockLost).toBe(queued.requestId);
    expect(await retried).toEqual([queued, true]);
    expect(await second.queue.take(() => true)).toEqual(queued);

    await first.queue.settle(queued.requestId);
    const bullQueue = new BullLanes(second.hub, laneSettings()).queue(lane);
    expect(await bullQueue.getJobState(queued.requestId)).toBe('active');
    await second.queue.settle(queued.requestId);
    expect(await bullQueue.getJobState(queued.requestId)).toBe('unknown');
    await bullQueue.close();
  });

  it('is told when no renewal succeeds for as long as the lock lasts (Redis gone)', async () => {
    await using server = await startRedisServer();
    await using processes = deployment(server.url);
    const taker = await processes.open({ lockMs: 600 });
    const queued = entry(lane.appId);
    await taker.queue.enqueue(queued);
    expect(await taker.queue.take(() => true)).toEqual(queued);
    const lockLost = nextLockLost(taker.queue);
    await server.stop();
    expect(await lockLost).toBe(queued.requestId);
    await server.restart();
    await taker.queue.settle(queued.requestId); // forgotten: nothing is sent
  });
});

function laneSettings(concurrency?: number) {
  return {
    lockMs: 1_000,
    stalledCheckMs: 1_000,
    retriesOf: () => 0,
    concurrencyOf: () => concurrency,
    onStalled: () => undefined,
    onError: () => undefined,
  };
}

describe('BullRequestQueue lanes', () => {
  it('keep the global concurrency an instance set when another opens them knowing none', async () => {
    await using processes = deployment();
    const limited = await processes.open({ concurrencyOf: () => 1 });
    await limited.queue.serveLanes([lane]);
    const unaware = await processes.open();
    await unaware.queue.serveLanes([lane]);
    for (const queued of [entry(lane.appId), entry(lane.appId)])
      await limited.queue.enqueue(queued);
    expect(await limited.queue.take(() => true)).toBeDefined();
    expect(await unaware.queue.take(() => true)).toBeUndefined();
  });

  it("open their worker's connections to wait out a Redis restart as the hub's do", async () => {
    const prefix = uniquePrefix();
    const hub = await RedisHub.connect({ url: redisUrl(), prefix });
    const lanes = new BullLanes(hub, laneSettings());
    try {
      const backend = (await lanes.worker(lane)).getBackend();
      for (const connection of [backend.connection, backend.blockingConnection]) {
        const { options } = (await connection!.client) as unknown as {
          options: { maxRetriesPerRequest: unknown; retryStrategy: (attempt: number) => number };
        };
        expect(options.maxRetriesPerRequest).toBeNull();
        expect(options.retryStrategy(20)).toBeLessThanOrEqual(2_000);
      }
    } finally {
      await lanes.close();
      await hub.close();
      await deletePrefix(prefix);
    }
  });
});

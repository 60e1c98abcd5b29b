import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../src/dispatch/request-queue.js';
import type { AdmissionBounds, AdmissionWrites } from '../../src/redis/bull-admission.js';
import { laneName, type Lane } from '../../src/redis/bull-lane-name.js';
import type { BullRequestQueue } from '../../src/redis/bull-request-queue.js';
import type { RedisHub } from '../../src/redis/redis-hub.js';
import { redisUrl } from '../support/redis.js';
import { deployment, entry } from './bull-queue-fixtures.js';

const lane: Lane = { appId: 'admit/app', endpoint: '' };
const otherLane: Lane = { appId: 'admit/app', endpoint: '/other' };

/** Bounds of `lane` in an app of both lanes: 2 at once, 3 waiting, room enough in the app. */
function bounds(overrides: Partial<AdmissionBounds> = {}): AdmissionBounds {
  return { queued: 3, concurrent: 2, capacity: 10, appLanes: [lane, otherLane], ...overrides };
}

/** Writes an admission makes: one hash of the request, which must not exist before. */
function writesOf(hub: RedisHub, requestId: string): AdmissionWrites {
  const key = hub.key('made', requestId);
  return {
    absent: [key],
    hashes: [{ key, fields: ['state', 'queued', 'attached', 0], ttlMs: 60_000 }],
  };
}

/** Offers `count` new entries of `of` at once; the entries admitted. */
async function offer(
  queues: readonly BullRequestQueue[],
  count: number,
  admission: { bounds: AdmissionBounds; of?: Lane },
): Promise<QueueEntry[]> {
  const of = admission.of ?? lane;
  const entries = Array.from({ length: count }, () => entry(of.appId, of));
  const outcomes = await Promise.all(
    entries.map((offered, index) =>
      queues[index % queues.length]!.enqueueAdmitted(offered, { bounds: admission.bounds }),
    ),
  );
  return entries.filter((_offered, index) => outcomes[index]);
}

/** Every key under the deployment's prefix but the queue's id counter, scanned. */
async function keysOf(hub: RedisHub): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await hub.command.scan(cursor, 'MATCH', `${hub.prefix}*`, 'COUNT', 1000);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');
  return keys.filter((key) => key !== hub.key('queue-index', 'counter')).sort();
}

describe('BullRequestQueue.enqueueAdmitted', () => {
  it('admits the free run slots plus queued of a burst from two processes, and no more', async () => {
    await using processes = deployment();
    const [first, second] = [await processes.open(), await processes.open()];
    const admitted = await offer([first.queue, second.queue], 40, { bounds: bounds() });
    expect(admitted).toHaveLength(5);
    expect(await first.queue.laneDepth(lane)).toBe(5);
  });

  it('counts runs: only queued wait beside full slots, and a settled run frees one', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    expect(await offer([queue], 5, { bounds: bounds() })).toHaveLength(5);
    const running = [await queue.take(() => true), await queue.take(() => true)];
    expect(await offer([queue], 3, { bounds: bounds() })).toHaveLength(0);
    await queue.settle(running[0]!.requestId);
    expect(await offer([queue], 3, { bounds: bounds() })).toHaveLength(1);
  });

  it('counts a run BullMQ made active, and its worker has not yet unlisted, once', async () => {
    await using processes = deployment();
    const { queue, hub } = await processes.open();
    expect(await offer([queue], 4, { bounds: bounds() })).toHaveLength(4);
    // A bare BullMQ claim: the job is active and still listed, as between a claim and its unlist.
    const claimer = new Worker(laneName(lane), null, {
      connection: { url: redisUrl(), maxRetriesPerRequest: null },
      prefix: hub.key('bull'),
      autorun: false,
    });
    try {
      expect(await claimer.getNextJob('claim-token', { block: false })).toBeDefined();
      expect(await queue.laneDepth(lane)).toBe(4);
      // 1 running, 3 waiting: one slot is free, and 3 may wait beside it.
      expect(await offer([queue], 3, { bounds: bounds() })).toHaveLength(1);
    } finally {
      await claimer.close();
    }
  });

  it('with queued: 0, admits only what starts at once', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const onlyRunning = bounds({ queued: 0, concurrent: 1 });
    expect(await offer([queue], 3, { bounds: onlyRunning })).toHaveLength(1);
    await queue.take(() => true);
    expect(await offer([queue], 3, { bounds: onlyRunning })).toHaveLength(0);
  });

  it("counts every lane's runs against the app's capacity", async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const unboundedLane = bounds({ concurrent: Infinity, queued: Infinity, capacity: 1 });
    expect(await offer([queue], 1, { bounds: unboundedLane, of: otherLane })).toHaveLength(1);
    await queue.take(() => true);
    const capacityOne = bounds({ concurrent: Infinity, queued: 1, capacity: 1 });
    expect(await offer([queue], 3, { bounds: capacityOne })).toHaveLength(1);
  });

  it('admits everything without a queued bound, and refuses all with no capacity and none', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const unbounded = bounds({ queued: Infinity, concurrent: Infinity, capacity: Infinity });
    expect(await offer([queue], 12, { bounds: unbounded })).toHaveLength(12);
    const noWorkers = bounds({ queued: 0, capacity: 0 });
    expect(await offer([queue], 2, { bounds: noWorkers, of: otherLane })).toHaveLength(0);
  });

  it('leaves no key of a refused entry, its writes included, and lists nothing when a key it needs absent exists', async () => {
    await using processes = deployment();
    const { queue, hub } = await processes.open();
    const full = bounds({ queued: 1, concurrent: 0 });
    expect(await offer([queue], 1, { bounds: full })).toHaveLength(1);
    const before = await keysOf(hub);
    const refused = entry(lane.appId);
    const writes = [writesOf(hub, refused.requestId)];
    expect(await queue.enqueueAdmitted(refused, { bounds: full, writes })).toBe(false);
    expect(await keysOf(hub)).toEqual(before);
    expect(await queue.position(refused.requestId)).toBeUndefined();

    const room = bounds({ queued: 2, concurrent: 0 });
    const clashing = entry(lane.appId);
    await hub.command.set(hub.key('taken', clashing.requestId), 1);
    const clash = {
      ...writesOf(hub, clashing.requestId),
      absent: [hub.key('taken', clashing.requestId)],
    };
    await expect(
      queue.enqueueAdmitted(clashing, { bounds: room, writes: [clash] }),
    ).rejects.toThrow('already exists');
    expect(await queue.laneDepth(lane)).toBe(1);
    expect(await hub.command.exists(hub.key('made', clashing.requestId))).toBe(0);
    const job = hub.key('bull', laneName(lane), clashing.requestId);
    expect(await hub.command.exists(job)).toBe(0);
    expect(await offer([queue], 2, { bounds: room })).toHaveLength(1);
  });

  it('gives back the place of an entry whose BullMQ job could not be added', async () => {
    await using processes = deployment();
    const { queue } = await processes.open();
    const room = bounds({ queued: 1, concurrent: 0 });
    const unsendable = entry(lane.appId);
    const payload = { ...unsendable.request!, input: { big: 1n } }; // JSON cannot carry it
    const rejected = queue.enqueueAdmitted({ ...unsendable, request: payload }, { bounds: room });
    await expect(rejected).rejects.toThrow(TypeError);
    expect(await queue.laneDepth(lane)).toBe(0);
    expect(await offer([queue], 2, { bounds: room })).toHaveLength(1);
  });

  it('makes its writes with the listing, before any worker can take the entry, and refuses an id already queued', async () => {
    await using processes = deployment();
    const { queue, hub } = await processes.open();
    const queued = entry(lane.appId);
    let written = 0;
    const writes = [{ ...writesOf(hub, queued.requestId), written: () => written++ }];
    expect(await queue.enqueueAdmitted(queued, { bounds: bounds(), writes })).toBe(true);
    expect(written).toBe(1);
    const made = hub.key('made', queued.requestId);
    expect(await hub.command.hgetall(made)).toEqual({ state: 'queued', attached: '0' });
    const ttl = await hub.command.pttl(made);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await queue.take(() => true)).toEqual(queued);
    await expect(queue.enqueueAdmitted(queued, { bounds: bounds(), writes })).rejects.toThrow(
      TypeError,
    );
    expect(written).toBe(1);
  });
});

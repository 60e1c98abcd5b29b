import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { EventLogLimits } from '../../src/events/event-log.js';
import { appendBatch } from '../../src/redis/event-log-append.js';
import { requestLogKeys } from '../../src/redis/event-log-keys.js';
import { createLog } from '../../src/redis/event-log-queries.js';
import { RedisEventLog, type RedisEventLogOptions } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import {
  appendAccepted,
  createRequest,
  newRecord,
  numbered,
  outputEvent,
  progressEvent,
  readAll,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { describeEventLogConformance } from 'sluice/protocol';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

async function openRedisLog(limits?: Partial<EventLogLimits>, options?: RedisEventLogOptions) {
  const prefix = uniquePrefix();
  const hub = await RedisHub.connect({ url: redisUrl(), prefix });
  const log = new RedisEventLog(hub, limits, options);
  const cleanup = async () => {
    await log.close();
    await hub.close();
    await deletePrefix(prefix);
  };
  return { hub, log, prefix, cleanup, [Symbol.asyncDispose]: cleanup };
}

describeEventLogConformance({ describe, it, expect }, 'redis', openRedisLog);

async function keysOf(hub: RedisHub, requestId: string): Promise<string[]> {
  const [, keys] = await hub.command.scan(
    '0',
    'MATCH',
    `${hub.prefix}*${requestId}*`,
    'COUNT',
    1e4,
  );
  return keys.sort();
}

describe('RedisEventLog', () => {
  it('keeps each request in a stream with ids <seq>-0, and expires every key once it ends', async () => {
    const options = { tombstoneMs: 120_000, liveBackstopMs: 600_000 };
    await using opened = await openRedisLog({ retentionMs: 60_000 }, options);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    const keys = requestLogKeys(hub, requestId);
    await appendAccepted(log, requestId, [outputEvent('a'), progressEvent(1)]);
    for (const key of [keys.meta, keys.events]) {
      expect(await hub.command.pttl(key)).toBeGreaterThan(60_000);
      expect(await hub.command.pttl(key)).toBeLessThanOrEqual(600_000);
    }
    await appendAccepted(log, requestId, [progressEvent(2), resultEvent('done')]);

    expect(await keysOf(hub, requestId)).toEqual([keys.events, keys.meta, keys.tombstone].sort());
    for (const key of [keys.meta, keys.events]) {
      expect(await hub.command.pttl(key)).toBeGreaterThan(0);
      expect(await hub.command.pttl(key)).toBeLessThanOrEqual(60_000);
    }
    expect(await hub.command.pttl(keys.tombstone)).toBeGreaterThan(60_000);
    expect(await hub.command.pttl(keys.tombstone)).toBeLessThanOrEqual(180_000);

    expect(await hub.command.type(keys.events)).toBe('stream');
    expect(await hub.command.xlen(keys.events)).toBe(3);
    const entries = await hub.command.xrange(keys.events, '-', '+');
    expect(entries.map(([id]) => id)).toEqual(['1-0', '3-0', '4-0']);
    expect(entries[1]?.[1]).toEqual(['progress', progressEvent(2).json]);
  });

  it('expires a log that never ends after the live backstop, 7 days by default', async () => {
    await using opened = await openRedisLog();
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    const keys = requestLogKeys(hub, requestId);
    const sevenDays = 7 * 24 * 60 * 60 * 1000;
    expect(await hub.command.pttl(keys.meta)).toBeGreaterThan(sevenDays - 60_000);
    expect(await hub.command.pttl(keys.meta)).toBeLessThanOrEqual(sevenDays);
    await appendAccepted(log, requestId, [outputEvent('a')]);
    expect(await hub.command.pttl(keys.events)).toBeGreaterThan(sevenDays - 60_000);
    expect(await hub.command.pttl(keys.events)).toBeLessThanOrEqual(sevenDays);

    await using short = await openRedisLog({}, { liveBackstopMs: 50 });
    const abandoned = await createRequest(short.log);
    await appendAccepted(short.log, abandoned, [outputEvent('a')]);
    await vi.waitFor(
      async () => expect(await short.log.lookup(abandoned)).toEqual({ state: 'unknown' }),
      { timeout: 2_000, interval: 10 },
    );
    expect(await keysOf(short.hub, abandoned)).toEqual([]);
  });

  it('never lets a stream pass maxEvents + 1 entries', async () => {
    await using opened = await openRedisLog({ maxEvents: 3 });
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    for (let index = 0; index < 6; index++) await log.append(requestId, [outputEvent(index)]);
    await appendAccepted(log, requestId, [resultEvent('done')]);
    expect(await hub.command.xlen(requestLogKeys(hub, requestId).events)).toBe(4);
  });

  it('keeps a compact tombstone for 1 h past the retention by default', async () => {
    await using opened = await openRedisLog({ retentionMs: 60_000 });
    const { hub, log } = opened;
    const record = newRecord();
    await log.create(record);
    await appendAccepted(log, record.requestId, [resultEvent('done')]);
    const { tombstone } = requestLogKeys(hub, record.requestId);
    const hour = 60 * 60 * 1000;
    expect(await hub.command.pttl(tombstone)).toBeGreaterThan(hour);
    expect(await hub.command.pttl(tombstone)).toBeLessThanOrEqual(hour + 60_000);
    const { appId, endpoint, owner, createdAt } = record;
    expect(await hub.command.get(tombstone)).toBe(
      JSON.stringify([appId, endpoint, owner, createdAt]),
    );
  });

  it('keeps the record as a tombstone after the events expire, then forgets it', async () => {
    await using opened = await openRedisLog({ retentionMs: 50 }, { tombstoneMs: 300 });
    const { log } = opened;
    const record = newRecord();
    await log.create(record);
    await appendAccepted(log, record.requestId, [resultEvent('done')]);
    await expect(log.create(record)).rejects.toThrow(/already exists/);
    await vi.waitFor(
      async () => expect(await log.lookup(record.requestId)).toEqual({ state: 'expired', record }),
      { timeout: 2_000, interval: 10 },
    );
    await expect(log.create(record)).rejects.toThrow(/already exists/);
    expect(await log.append(record.requestId, [outputEvent('late')])).toEqual({
      accepted: false,
      reason: 'missing',
    });
    await vi.waitFor(
      async () => expect(await log.lookup(record.requestId)).toEqual({ state: 'unknown' }),
      { timeout: 2_000, interval: 25 },
    );
  });

  it('refuses to create a live request twice, but not a create re-sent with its token', async () => {
    await using opened = await openRedisLog();
    const record = newRecord();
    const token = randomUUID();
    const backstopMs = 60_000;
    expect(await createLog(opened.hub, record, { token, backstopMs })).toBe(true);
    expect(await createLog(opened.hub, record, { token, backstopMs })).toBe(true);
    expect(await createLog(opened.hub, record, { token: randomUUID(), backstopMs })).toBe(false);
    await expect(opened.log.create({ ...record, owner: 'someone else' })).rejects.toThrow();
    expect(await opened.log.lookup(record.requestId)).toEqual({
      state: 'live',
      record,
      lastSeq: 0,
    });
  });

  it('applies a batch sent twice with the same token once, and answers both alike', async () => {
    await using opened = await openRedisLog();
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    const send = (events: ReturnType<typeof outputEvent>[], token: string) =>
      appendBatch(hub, { requestId, events, token, limits: log.limits, tombstoneMs: 60_000 });
    const batches = [[outputEvent('a'), outputEvent('b')], [resultEvent('done')]];
    const tokens = [randomUUID(), randomUUID()];
    for (const [index, batch] of batches.entries()) {
      const first = await send(batch, tokens[index]!);
      expect(await send(batch, tokens[index]!)).toEqual(first);
      expect(first).toEqual({ accepted: true, lastSeq: index === 0 ? 2 : 3 });
    }
    expect(await send([outputEvent('late')], tokens[0]!)).toEqual({ accepted: true, lastSeq: 2 });
    expect(await send([outputEvent('late')], randomUUID())).toEqual({
      accepted: false,
      reason: 'ended',
    });
    expect(await readAll(log, requestId)).toEqual(numbered(batches.flat()));
  });

  it('reads a log it created without asking Redis whether it is live, and still wakes for its events', async () => {
    await using opened = await openRedisLog();
    const { hub, log, prefix } = opened;
    const otherHub = await RedisHub.connect({ url: redisUrl(), prefix });
    const other = new RedisEventLog(otherHub);
    try {
      const warm = await createRequest(log); // a first wait confirms the subscription
      await appendAccepted(log, warm, [outputEvent('a')]);
      await log.waitForEvents(warm, 0, new AbortController().signal);
      const requestId = await createRequest(log);
      const elsewhere = await createRequest(other);
      const metaReads = vi.spyOn(hub.command, 'hmget');
      expect(await log.read(requestId, 0, 10)).toEqual({ events: [], lastSeq: 0, ended: false });
      expect(metaReads).not.toHaveBeenCalled();
      expect(await log.read(elsewhere, 0, 10)).toEqual({ events: [], lastSeq: 0, ended: false });
      expect(metaReads).toHaveBeenCalledTimes(1); // another process's log: is it live?
      const woken = log.waitForEvents(requestId, 0, new AbortController().signal);
      await appendAccepted(other, requestId, [outputEvent('b'), resultEvent('done')]);
      await woken;
      expect(await readAll(log, requestId)).toEqual(
        numbered([outputEvent('b'), resultEvent('done')]),
      );
    } finally {
      await other.close();
      await otherHub.close();
    }
  });

  it('answers undefined to reads and ends waits at once after close, leaving the hub open', async () => {
    await using opened = await openRedisLog();
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    await appendAccepted(log, requestId, [outputEvent('a')]);
    await log.close();
    expect(await log.read(requestId, 0, 10)).toBeUndefined();
    await log.waitForEvents(requestId, 1, new AbortController().signal);
    expect(await hub.command.ping()).toBe('PONG');
  });
});

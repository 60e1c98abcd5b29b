import { describe, expect, it } from 'vitest';
import type { RedisHub } from '../../src/redis/redis-hub.js';
import {
  appendAccepted,
  createRequest,
  outputEvent,
  settlesWithin,
} from '../../src/events/conformance/conformance-fixtures.js';
import { startRedisServer } from '../support/redis-server.js';
import { DEADLINE_MS, PENDING_MS, openLogOn } from './private-log.js';

async function hmgetCalls(hub: RedisHub): Promise<number> {
  const stats = await hub.command.info('commandstats');
  return Number(/cmdstat_hmget:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('RedisEventLog waiters', () => {
  it('wakes a waiter from the append notice alone, without reading Redis', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { log, publish } = opened;
    const requestId = await createRequest(log);
    const controller = new AbortController();
    const waiting = log.waitForEvents(requestId, 2, controller.signal);
    try {
      // Redis holds no event at all: only what the notices say can wake the waiter.
      await publish(`2:0:${requestId}`);
      await publish(`9:0:someone-else`);
      expect(await settlesWithin(waiting, PENDING_MS)).toBe(false);
      await publish(`3:0:${requestId}`);
      expect(await settlesWithin(waiting, DEADLINE_MS)).toBe(true);
      // A log this process created is known from its creation on, notices included.
      const ending = log.waitForEvents(requestId, 3, controller.signal);
      expect(await settlesWithin(ending, PENDING_MS)).toBe(false);
      await publish(`4:1:${requestId}`);
      expect(await settlesWithin(ending, DEADLINE_MS)).toBe(true);
    } finally {
      controller.abort();
    }
  });

  it('lets a cursor that read up to the end read and wait without looking at the meta', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    await appendAccepted(log, requestId, [outputEvent('a')]);
    await log.waitForEvents(requestId, 0, AbortSignal.timeout(DEADLINE_MS)); // subscribed
    expect((await log.read(requestId, 0, 10))?.lastSeq).toBe(1);

    const before = await hmgetCalls(hub);
    expect(await log.read(requestId, 1, 10)).toEqual({ events: [], lastSeq: 1, ended: false });
    const controller = new AbortController();
    const waiting = log.waitForEvents(requestId, 1, controller.signal);
    try {
      expect(await settlesWithin(waiting, PENDING_MS)).toBe(false);
      expect(await hmgetCalls(hub)).toBe(before);
      await appendAccepted(log, requestId, [outputEvent('b')]);
      expect(await settlesWithin(waiting, DEADLINE_MS)).toBe(true);
    } finally {
      controller.abort();
    }
  });

  it('wakes at once a waiter whose news was heard before it waited', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { log, publish } = opened;
    const [requestId, barrier] = [await createRequest(log), await createRequest(log)];
    await appendAccepted(log, barrier, [outputEvent('a')]);
    await log.waitForEvents(barrier, 0, AbortSignal.timeout(DEADLINE_MS)); // subscribed
    expect((await log.read(requestId, 0, 10))?.lastSeq).toBe(0);

    const controller = new AbortController();
    const heard = log.waitForEvents(barrier, 1, controller.signal);
    try {
      await publish(`4:0:${requestId}`); // notices arrive in order: this one first
      await publish(`2:0:${barrier}`);
      expect(await settlesWithin(heard, DEADLINE_MS)).toBe(true);
      const waiting = log.waitForEvents(requestId, 3, controller.signal);
      expect(await settlesWithin(waiting, PENDING_MS)).toBe(true);
    } finally {
      controller.abort();
    }
  });
});

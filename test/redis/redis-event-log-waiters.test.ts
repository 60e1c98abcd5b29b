import { settleWithin } from '../../src/events/settle-within.js';
import { describe, expect, it } from 'vitest';
import type { RedisHub } from '../../src/redis/redis-hub.js';
import type { EventBatch } from '../../src/events/event-log.js';
import type { RedisEventLog } from '../../src/redis/redis-event-log.js';
import {
  appendAccepted,
  createRequest,
  outputEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { startRedisServer } from '../support/redis-server.js';
import { nextBatch } from '../../src/events/read-cursor.js';
import { APPENDED_CHANNEL } from '../../src/redis/event-log-keys.js';
import { NOTICE_TAIL_CHARS } from '../../src/redis/event-log-tail.js';
import { DEADLINE_MS, PENDING_MS, openLogOn } from './private-log.js';

async function callsOf(hub: RedisHub, command: string): Promise<number> {
  const stats = await hub.command.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

const hmgetCalls = (hub: RedisHub) => callsOf(hub, 'hmget');

async function subscribers(hub: RedisHub): Promise<number> {
  const channel = hub.channel(APPENDED_CHANNEL);
  const [, count] = (await hub.command.pubsub('NUMSUB', channel)) as [string, number];
  return count;
}

/** A new request whose first event a cursor has read, in a process subscribed to the notices. */
async function keptUpCursor(log: RedisEventLog) {
  const requestId = await createRequest(log);
  await log.waitForEvents(requestId, 1, AbortSignal.timeout(PENDING_MS)); // subscribed
  const signal = AbortSignal.timeout(DEADLINE_MS);
  await appendAccepted(log, requestId, [outputEvent('first')]);
  const first = await nextBatch(log, requestId, { afterSeq: 0, signal });
  expect(first?.lastSeq).toBe(1);
  return { requestId, signal, first };
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
      expect(await settleWithin(waiting, PENDING_MS)).toBe(false);
      await publish(`3:0:${requestId}`);
      expect(await settleWithin(waiting, DEADLINE_MS)).toBe(true);
      // A log this process created is known from its creation on, notices included.
      const ending = log.waitForEvents(requestId, 3, controller.signal);
      expect(await settleWithin(ending, PENDING_MS)).toBe(false);
      await publish(`4:1:${requestId}`);
      expect(await settleWithin(ending, DEADLINE_MS)).toBe(true);
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
      expect(await settleWithin(waiting, PENDING_MS)).toBe(false);
      expect(await hmgetCalls(hub)).toBe(before);
      await appendAccepted(log, requestId, [outputEvent('b')]);
      expect(await settleWithin(waiting, DEADLINE_MS)).toBe(true);
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
      expect(await settleWithin(heard, DEADLINE_MS)).toBe(true);
      const waiting = log.waitForEvents(requestId, 3, controller.signal);
      expect(await settleWithin(waiting, PENDING_MS)).toBe(true);
    } finally {
      controller.abort();
    }
  });

  it('subscribes to the notices only once something waits: a process that only appends never hears them', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    await appendAccepted(log, requestId, [outputEvent('a'), outputEvent('b')]);
    expect((await log.read(requestId, 0, 10))?.lastSeq).toBe(2);
    expect(await subscribers(hub)).toBe(0);

    await log.waitForEvents(requestId, 0, AbortSignal.timeout(DEADLINE_MS));
    expect(await subscribers(hub)).toBe(1);
  });

  it('lets a cursor that keeps up take small events from their notices, and read big ones once', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const { requestId, signal, first } = await keptUpCursor(log);
    let batch: EventBatch | undefined = first;

    const readsOfEach = async (text: (seq: number) => string) => {
      const before = await callsOf(hub, 'xrange');
      for (let count = 0; count < 5; count++) {
        const seq = batch!.lastSeq + 1;
        const next = nextBatch(log, requestId, { afterSeq: seq - 1, signal, caughtUp: true });
        expect(await settleWithin(next, PENDING_MS)).toBe(false);
        await appendAccepted(log, requestId, [outputEvent(text(seq))]);
        batch = await next;
        expect(batch).toMatchObject({
          lastSeq: seq,
          events: [{ seq, json: JSON.stringify(text(seq)) }],
        });
      }
      return ((await callsOf(hub, 'xrange')) - before) / 5;
    };
    expect(await readsOfEach((seq) => `event ${seq}`)).toBe(0);
    expect(await readsOfEach((seq) => `${seq}`.padEnd(NOTICE_TAIL_CHARS + 1, '.'))).toBe(1);
  });

  it('gives a cursor from a notice tail exactly the events stored, whatever their characters', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const { requestId, signal } = await keptUpCursor(log);
    const texts = [
      'a/b "quoted" \\ back',
      'line\nbreak\ttab \u0001',
      'ünïcode ✓ 🙂',
      '{"json":[1]}',
    ];
    const before = await callsOf(hub, 'xrange');
    const next = nextBatch(log, requestId, { afterSeq: 1, signal, caughtUp: true });
    await appendAccepted(
      log,
      requestId,
      texts.map((text) => outputEvent(text)),
    ); // one pack
    const batch = await next;
    expect(batch?.events.map((event) => event.json)).toEqual(
      texts.map((text) => outputEvent(text).json),
    );
    expect(batch?.lastSeq).toBe(5);
    expect(await callsOf(hub, 'xrange')).toBe(before); // from the notice alone
  });
});

import { settleWithin } from '../../src/events/settle-within.js';
import { setMaxListeners } from 'node:events';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { nextBatch } from '../../src/events/read-cursor.js';
import { requestLogKeys } from '../../src/redis/event-log-keys.js';
import type { RedisHub } from '../../src/redis/redis-hub.js';
import {
  appendAccepted,
  createRequest,
  numbered,
  outputEvent,
  readAll,
} from '../../src/events/conformance/conformance-fixtures.js';
import { startRedisServer } from '../support/redis-server.js';
import { DEADLINE_MS, PENDING_MS, openLogOn } from './private-log.js';

async function connectionNames(hub: RedisHub): Promise<string[]> {
  const list = (await hub.command.client('LIST')) as string;
  return list
    .trim()
    .split('\n')
    .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? '')
    .sort();
}

describe('RedisEventLog at scale', () => {
  it('waits on 200 requests over the hub’s two connections, and wakes each one', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestIds = await Promise.all(Array.from({ length: 200 }, () => createRequest(log)));
    const before = await connectionNames(hub);
    expect(before).toEqual(['sluice-command', 'sluice-subscriber']);

    const controller = new AbortController();
    // One signal for all 200 waits, on purpose: Node would warn of a leak past 10 listeners.
    setMaxListeners(requestIds.length, controller.signal);
    const waits = requestIds.map((requestId) => log.waitForEvents(requestId, 0, controller.signal));
    try {
      expect(await settleWithin(Promise.race(waits), PENDING_MS)).toBe(false);
      expect(await connectionNames(hub)).toEqual(before);
      await Promise.all(requestIds.map((id) => appendAccepted(log, id, [outputEvent(id)])));
      expect(await settleWithin(Promise.all(waits), DEADLINE_MS)).toBe(true);
    } finally {
      controller.abort();
    }
  });

  it('keeps a waiting cursor through a Redis restart', async () => {
    await using server = await startRedisServer({ persistent: true });
    await using opened = await openLogOn(server.url);
    const { log } = opened;
    const requestId = await createRequest(log);
    const signal = AbortSignal.timeout(DEADLINE_MS);
    const cursor = nextBatch(log, requestId, { afterSeq: 0, signal });
    expect(await settleWithin(cursor, PENDING_MS)).toBe(false);

    await server.stop();
    await server.restart();
    await appendAccepted(log, requestId, [outputEvent('after restart')]);
    expect((await cursor)?.events).toEqual(numbered([outputEvent('after restart')]));
  });

  it('wakes waiters to look again when the subscriber reconnects, as notifications were lost', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    const cursor = nextBatch(log, requestId, { afterSeq: 0, signal: AbortSignal.timeout(5_000) });
    expect(await settleWithin(cursor, PENDING_MS)).toBe(false);

    await hub.command.client('KILL', 'TYPE', 'pubsub');
    await appendAccepted(log, requestId, [outputEvent('unheard')]);
    expect((await cursor)?.events).toEqual(numbered([outputEvent('unheard')]));
  });

  it('completes an append issued while Redis is down once it is back, exactly once', async () => {
    await using server = await startRedisServer({ persistent: true });
    await using opened = await openLogOn(server.url);
    const { log } = opened;
    const requestId = await createRequest(log);
    await appendAccepted(log, requestId, [outputEvent('before')]);

    await server.stop();
    const appending = log.append(requestId, [outputEvent('while down')]);
    expect(await settleWithin(appending, PENDING_MS)).toBe(false);
    await server.restart();
    expect(await appending).toEqual({ accepted: true, lastSeq: 2 });
    const events = [outputEvent('before'), outputEvent('while down')];
    expect(await readAll(log, requestId)).toEqual(numbered(events));
  });

  it('answers an append whose reply was lost with its first answer, applied once', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    await appendAccepted(log, requestId, [outputEvent('before')]);
    const observer = new Redis(server.url);
    try {
      hub.command.stream.pause(); // Redis runs the script; its answer is never read
      const appending = log.append(requestId, [outputEvent('once')]);
      const { meta } = requestLogKeys(hub, requestId);
      await vi.waitFor(async () => expect(await observer.hget(meta, 'lastSeq')).toBe('2'), {
        timeout: DEADLINE_MS,
        interval: 10,
      });
      hub.command.stream.destroy(); // ioredis reconnects and sends the script again
      expect(await appending).toEqual({ accepted: true, lastSeq: 2 });
    } finally {
      observer.disconnect();
    }
    const events = [outputEvent('before'), outputEvent('once')];
    expect(await readAll(log, requestId)).toEqual(numbered(events));
  });
});

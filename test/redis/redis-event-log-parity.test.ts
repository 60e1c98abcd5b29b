import { describe, expect, it } from 'vitest';
import type { EventLog, EventLogLimits } from '../../src/events/event-log.js';
import type { NewEvent } from '../../src/events/event-types.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import {
  newRecord,
  readAll,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

/** A memory log and a Redis log with the same limits, each with the same request. */
async function openPair(limits: Partial<EventLogLimits>) {
  const prefix = uniquePrefix();
  const hub = await RedisHub.connect({ url: redisUrl(), prefix });
  const logs: EventLog[] = [new MemoryEventLog(limits), new RedisEventLog(hub, limits)];
  const record = newRecord();
  for (const log of logs) await log.create(record);
  return {
    logs,
    requestId: record.requestId,
    [Symbol.asyncDispose]: async () => {
      for (const log of logs) await log.close();
      await hub.close();
      await deletePrefix(prefix);
    },
  };
}

/** A small deterministic generator (mulberry32), so a failure replays. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Mostly frames, so that dropping superseded ones keeps most appends fitting for a while. */
const TYPES = ['progress', 'preview', 'progress', 'preview', 'progress', 'output', 'log'] as const;
const TEXTS = ['x', 'h\u00e9llo', '\u{1f30a}\u2028', 'plain text'];

function randomBatch(random: () => number): NewEvent[] {
  return Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
    const type = TYPES[Math.floor(random() * TYPES.length)]!;
    const text = TEXTS[Math.floor(random() * TEXTS.length)]!.repeat(1 + random() * 400);
    return { type, json: JSON.stringify({ text }) };
  });
}

async function sameReads(logs: readonly EventLog[], requestId: string, afterSeq: number) {
  for (const maxEvents of [1, 3, 1000]) {
    const [memory, redis] = await Promise.all(
      logs.map((log) => log.read(requestId, afterSeq, maxEvents)),
    );
    expect(redis).toEqual(memory);
  }
}

describe('RedisEventLog beside the memory log', () => {
  it('answers every append and read as the memory log does, under tight caps', async () => {
    await using pair = await openPair({ maxEvents: 30, maxBytes: 24_000 });
    const { logs, requestId } = pair;
    const random = randomFrom(6);
    for (let round = 0; round < 150; round++) {
      const batch = randomBatch(random);
      const [memory, redis] = await Promise.all(logs.map((log) => log.append(requestId, batch)));
      expect(redis).toEqual(memory);
      if (round % 10 === 0) await sameReads(logs, requestId, Math.floor(random() * round));
    }
    for (const log of logs) await log.append(requestId, [resultEvent('done')]);
    const [memory, redis] = await Promise.all(logs.map((log) => readAll(log, requestId)));
    expect(redis).toEqual(memory);
  });

  it('reads a backlog longer than one XRANGE as the memory log does', async () => {
    await using pair = await openPair({});
    const { logs, requestId } = pair;
    const random = randomFrom(11);
    const events = Array.from({ length: 900 }, (_, index) => {
      const type = index % 7 === 0 ? ('progress' as const) : ('output' as const);
      return { type, json: JSON.stringify('x'.repeat(Math.floor(random() * 300))) };
    });
    for (let start = 0; start < events.length; start += 150) {
      for (const log of logs) await log.append(requestId, events.slice(start, start + 150));
    }
    for (const afterSeq of [0, 1, 64, 500]) {
      for (const maxEvents of [64, 65, 200, 1024]) {
        const [memory, redis] = await Promise.all(
          logs.map((log) => log.read(requestId, afterSeq, maxEvents)),
        );
        expect(redis).toEqual(memory);
      }
    }
    const [memory, redis] = await Promise.all(logs.map((log) => log.read(requestId, 0, 1024)));
    expect(redis?.events.length).toBeGreaterThan(200); // past the first XRANGE's 64 entries
    expect(redis).toEqual(memory);
  });

  it('cuts reads at the same ~64 KiB of payload, counted in UTF-16 units', async () => {
    await using pair = await openPair({});
    const { logs, requestId } = pair;
    const events = ['\u00e9', '\u{1f30a}', 'a'].map((text) => ({
      type: 'output' as const,
      json: JSON.stringify(text.repeat(11_000)),
    }));
    for (const log of logs) await log.append(requestId, [...events, ...events]);
    for (const afterSeq of [0, 1, 2, 3]) await sameReads(logs, requestId, afterSeq);
    const [memory] = await Promise.all(logs.map((log) => log.read(requestId, 0, 100)));
    expect(memory?.events.length).toBeLessThan(6);
  });
});

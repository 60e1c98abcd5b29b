import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events/event-types.js';
import { requestLogKeys } from '../../src/redis/event-log-keys.js';
import { packEntries, unpackEntry } from '../../src/redis/event-log-pack.js';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import {
  appendAccepted,
  createRequest,
  logEvent,
  numbered,
  outputEvent,
  progressEvent,
  readAll,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

async function openRedisLog() {
  const prefix = uniquePrefix();
  const hub = await RedisHub.connect({ url: redisUrl(), prefix });
  const log = new RedisEventLog(hub);
  const cleanup = async () => {
    await log.close();
    await hub.close();
    await deletePrefix(prefix);
  };
  return { hub, log, [Symbol.asyncDispose]: cleanup };
}

const outputs = (count: number, first = 0): NewEvent[] =>
  Array.from({ length: count }, (_, index) => outputEvent(`event ${first + index}`));

describe('packed stream entries', () => {
  it('store a batch of outputs and logs as one entry under its last seq', async () => {
    await using opened = await openRedisLog();
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    const batch = [...outputs(4), logEvent('note'), ...outputs(3, 4)];
    await appendAccepted(log, requestId, batch);
    await appendAccepted(log, requestId, [progressEvent(1), resultEvent('done')]);
    const { events } = requestLogKeys(hub, requestId);
    const entries = await hub.command.xrange(events, '-', '+');
    expect(entries.map(([id, fields]) => [id, fields[0]])).toEqual([
      ['8-0', 'pack'],
      ['9-0', 'progress'],
      ['10-0', 'result'],
    ]);
    const all = [...batch, progressEvent(1), resultEvent('done')];
    expect(await readAll(log, requestId)).toEqual(numbered(all));
  });

  it('resume from a seq inside a pack with exactly the events after it', async () => {
    await using opened = await openRedisLog();
    const { log } = opened;
    const requestId = await createRequest(log);
    const batch = outputs(10);
    await appendAccepted(log, requestId, batch);
    for (const afterSeq of [0, 1, 4, 9]) {
      expect(await log.read(requestId, afterSeq, 100)).toEqual({
        events: numbered(batch.slice(afterSeq), afterSeq + 1),
        lastSeq: 10,
        ended: false,
      });
    }
    expect((await log.read(requestId, 10, 100))?.events).toEqual([]);
  });

  it('continue exactly after a read whose cap split a pack', async () => {
    await using opened = await openRedisLog();
    const { log } = opened;
    const requestId = await createRequest(log);
    const batches = [outputs(7), outputs(5, 7), outputs(9, 12)];
    for (const batch of batches) await appendAccepted(log, requestId, batch);
    const seen = [];
    for (let afterSeq = 0, reads = 0; afterSeq < 21 && reads < 21; reads++) {
      const read = await log.read(requestId, afterSeq, 3);
      expect(read?.events.length).toBeLessThanOrEqual(3);
      expect(read?.events[0]?.seq).toBe(afterSeq + 1);
      seen.push(...read!.events);
      afterSeq = read!.lastSeq;
    }
    expect(seen).toEqual(numbered(batches.flat()));
  });

  it('cut a pack at the ~64 KiB read cap and continue exactly', async () => {
    await using opened = await openRedisLog();
    const { log } = opened;
    const requestId = await createRequest(log);
    const batch = Array.from({ length: 40 }, (_, index) => outputEvent(`${index}`.repeat(3_000)));
    await appendAccepted(log, requestId, batch);
    const first = await log.read(requestId, 0, 1000);
    expect(first!.events.length).toBeGreaterThan(1);
    expect(first!.events.length).toBeLessThan(40);
    const rest = await log.read(requestId, first!.lastSeq, 1000);
    expect(rest!.events[0]?.seq).toBe(first!.lastSeq + 1);
    expect(await readAll(log, requestId)).toEqual(numbered(batch));
  });
});

describe('packEntries', () => {
  it('keeps events whose JSON holds a newline, and runs broken by a gap, apart', () => {
    const withNewline: NewEvent = { type: 'output', json: '{\n"a":1}' };
    const [a, b, c] = outputs(3);
    const entries = packEntries([
      { offset: 1, event: a! },
      { offset: 2, event: withNewline },
      { offset: 3, event: b! },
      { offset: 5, event: c! },
    ]);
    expect(entries).toEqual([
      { offset: 1, field: 'output', value: a!.json },
      { offset: 2, field: 'output', value: withNewline.json },
      { offset: 3, field: 'output', value: b!.json },
      { offset: 5, field: 'output', value: c!.json },
    ]);
  });

  it('round-trips a pack through unpackEntry, numbered back from the last seq', () => {
    const events = [...outputs(3), logEvent('x')];
    const [entry] = packEntries(events.map((event, index) => ({ offset: index + 1, event })));
    expect(entry?.field).toBe('pack');
    expect(unpackEntry('14-0', [entry!.field, entry!.value])).toEqual(numbered(events, 11));
  });
});

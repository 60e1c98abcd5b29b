import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../event-types.js';
import {
  appendAccepted,
  createRequest,
  logEvent,
  numbered,
  openLog,
  outputEvent,
  readAll,
  resultEvent,
  seqRange,
  seqsOf,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';

function outputs(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, index) => outputEvent({ index }));
}

function mixedEventsEndingWithResult(count: number): NewEvent[] {
  const events = Array.from({ length: count - 1 }, (_, index) =>
    index % 3 === 0 ? logEvent(`line ${index}`) : outputEvent({ token: index }),
  );
  return [...events, resultEvent({ count })];
}

export function describeReadConformance(harness: ConformanceHarness, makeLog: MakeEventLog): void {
  const { describe, it, expect } = harness;
  describe('read', () => {
    it('answers undefined for an unknown request', async () => {
      await using opened = await openLog(makeLog);
      expect(await opened.log.read(randomUUID(), 0, 10)).toBeUndefined();
    });

    it('returns exactly the events after a given seq (resume)', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const events = outputs(5);
      await appendAccepted(opened.log, requestId, events);
      for (let afterSeq = 0; afterSeq <= 5; afterSeq++) {
        const batch = await opened.log.read(requestId, afterSeq, 100);
        expect(batch).toEqual({
          events: numbered(events).slice(afterSeq),
          lastSeq: 5,
          ended: false,
        });
      }
    });

    it('returns nothing, not ended, to a reader at the end of a live log', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      expect(await opened.log.read(requestId, 0, 10)).toEqual({
        events: [],
        lastSeq: 0,
        ended: false,
      });
      await appendAccepted(opened.log, requestId, outputs(3));
      expect(await opened.log.read(requestId, 3, 10)).toEqual({
        events: [],
        lastSeq: 3,
        ended: false,
      });
    });

    it('returns nothing and ended when reading at or past the end of an ended log', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent('a'), resultEvent('done')]);
      for (const afterSeq of [2, 3, 1000]) {
        const batch = await opened.log.read(requestId, afterSeq, 10);
        expect(batch).toMatchObject({ events: [], ended: true });
        expect(batch?.lastSeq).toBeGreaterThanOrEqual(2);
      }
    });

    it('says ended only in the batch that reaches the terminal event', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [...outputs(3), resultEvent('done')]);
      expect(await opened.log.read(requestId, 0, 2)).toMatchObject({ lastSeq: 2, ended: false });
      const last = await opened.log.read(requestId, 2, 2);
      expect(last).toMatchObject({ lastSeq: 4, ended: true });
      expect(seqsOf(last?.events ?? [])).toEqual([3, 4]);
    });

    it('respects maxEvents', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, outputs(10));
      const batch = await opened.log.read(requestId, 4, 3);
      expect(batch).toMatchObject({ lastSeq: 7, ended: false });
      expect(seqsOf(batch?.events ?? [])).toEqual([5, 6, 7]);
    });

    it('does not move a reader past events it did not examine when maxEvents is 0', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [...outputs(3), resultEvent('done')]);
      const outcome = await opened.log.read(requestId, 1, 0).catch(() => 'rejected' as const);
      if (outcome !== 'rejected') {
        expect(outcome).toEqual({ events: [], lastSeq: 1, ended: false });
      }
    });

    it('reassembles the whole log from small batches, with no gaps or duplicates', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const events = mixedEventsEndingWithResult(25);
      for (let start = 0; start < events.length; start += 4) {
        await appendAccepted(opened.log, requestId, events.slice(start, start + 4));
      }
      for (const batchSize of [1, 2, 3, 5, 8, 25, 100]) {
        const collected = await readAll(opened.log, requestId, { batchSize });
        expect(seqsOf(collected)).toEqual(seqRange(1, 25));
        expect(collected).toEqual(numbered(events));
      }
    });
  });
}

import { DEFAULT_EVENT_LOG_LIMITS, type EventLog } from '../event-log.js';
import type { NewEvent } from '../event-types.js';
import {
  appendAccepted,
  appendEach,
  createRequest,
  lastSeqOf,
  logEvent,
  openLog,
  outputEvent,
  previewEvent,
  progressEvent,
  readAll,
  resultEvent,
  seqsOf,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';

function paddedProgress(step: number, bytes: number): NewEvent {
  return {
    type: 'progress',
    json: JSON.stringify({ step, total: 100, message: 'x'.repeat(bytes) }),
  };
}

function paddedOutput(index: number, bytes: number): NewEvent {
  return { type: 'output', json: JSON.stringify({ index, padding: 'x'.repeat(bytes) }) };
}

/** Progress and preview frames in turn, one per append: answers the seqs of the last of each. */
async function appendFrames(log: EventLog, requestId: string, count: number): Promise<number[]> {
  const frames = Array.from({ length: count }, (_, index) =>
    index % 2 === 0 ? progressEvent(index) : previewEvent(index),
  );
  await appendEach(log, requestId, frames);
  const lastSeq = await lastSeqOf(log, requestId);
  return [lastSeq - 1, lastSeq];
}

/** Appends one event at a time until the log refuses: answers how many it accepted. */
async function fillUntilRefused(
  log: EventLog,
  requestId: string,
  make: (index: number) => NewEvent,
) {
  for (let index = 0; index < 1000; index++) {
    const result = await log.append(requestId, [make(index)]);
    if (!result.accepted) return { accepted: index, reason: result.reason };
  }
  return { accepted: 1000, reason: undefined };
}

export function describeCapsConformance(harness: ConformanceHarness, makeLog: MakeEventLog): void {
  const { describe, it, expect } = harness;
  describe('caps', () => {
    it('reports the caps and retention it enforces, defaults filled in', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 7, retentionMs: 1_234 });
      expect(opened.log.limits).toEqual({
        ...DEFAULT_EVENT_LOG_LIMITS,
        maxEvents: 7,
        retentionMs: 1_234,
      });
    });

    it('drops superseded progress and previews to stay under maxEvents', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 4 });
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent('first')]);
      const latestFrames = await appendFrames(opened.log, requestId, 30);
      expect(latestFrames).toEqual([30, 31]);
      expect(seqsOf(await readAll(opened.log, requestId))).toEqual([1, 30, 31]);
      expect(await appendAccepted(opened.log, requestId, [outputEvent('second')])).toBe(32);
      const stored = await readAll(opened.log, requestId);
      expect(stored.map((event) => [event.seq, event.type])).toEqual([
        [1, 'output'],
        [30, 'progress'],
        [31, 'preview'],
        [32, 'output'],
      ]);
      expect(stored[1]?.json).toBe(progressEvent(28).json);
    });

    it('drops superseded progress to stay under maxBytes', async () => {
      await using opened = await openLog(makeLog, { maxBytes: 16_384 });
      const requestId = await createRequest(opened.log);
      await appendEach(
        opened.log,
        requestId,
        Array.from({ length: 40 }, (_, step) => paddedProgress(step, 2_000)),
      );
      expect(await readAll(opened.log, requestId)).toEqual([
        { seq: 40, ...paddedProgress(39, 2_000) },
      ]);
    });

    it('accepts a progress event that fits once the progress it supersedes is dropped', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 2 });
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent('first')]);
      await appendAccepted(opened.log, requestId, [progressEvent(1)]);
      expect(await opened.log.append(requestId, [progressEvent(2)])).toEqual({
        accepted: true,
        lastSeq: 3,
      });
      expect(seqsOf(await readAll(opened.log, requestId))).toEqual([1, 3]);
    });

    it('answers full when outputs and logs fill maxEvents, and still accepts the terminal event', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 5 });
      const requestId = await createRequest(opened.log);
      const filled = await fillUntilRefused(opened.log, requestId, (index) =>
        index % 2 === 0 ? outputEvent(index) : logEvent(`line ${index}`),
      );
      expect(filled).toEqual({ accepted: 5, reason: 'full' });
      for (const event of [outputEvent('late'), logEvent('late'), progressEvent(1)]) {
        expect(await opened.log.append(requestId, [event])).toEqual({
          accepted: false,
          reason: 'full',
        });
      }
      expect(await opened.log.lookup(requestId)).toMatchObject({ state: 'live', lastSeq: 5 });
      expect(await appendAccepted(opened.log, requestId, [resultEvent('done')])).toBe(6);
      const stored = await readAll(opened.log, requestId);
      expect(seqsOf(stored)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(stored.at(-1)?.type).toBe('result');
    });

    it('answers full when outputs fill maxBytes, and still accepts the terminal event', async () => {
      await using opened = await openLog(makeLog, { maxBytes: 10_000 });
      const requestId = await createRequest(opened.log);
      const filled = await fillUntilRefused(opened.log, requestId, (index) =>
        paddedOutput(index, 3_000),
      );
      expect(filled.reason).toBe('full');
      expect(filled.accepted).toBeGreaterThanOrEqual(1);
      expect(filled.accepted).toBeLessThanOrEqual(3);
      const resultSeq = await appendAccepted(opened.log, requestId, [resultEvent('done')]);
      expect(resultSeq).toBe(filled.accepted + 1);
      expect(await opened.log.lookup(requestId)).toMatchObject({ state: 'ended' });
    });

    it('applies the caps to the other events of a batch that ends with the terminal one', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 3 });
      const requestId = await createRequest(opened.log);
      const outputs = Array.from({ length: 10 }, (_, index) => outputEvent(index));
      expect(await opened.log.append(requestId, [...outputs, resultEvent('done')])).toEqual({
        accepted: false,
        reason: 'full',
      });
      expect(await appendAccepted(opened.log, requestId, [resultEvent('done')])).toBe(1);
    });

    it('refuses a batch that does not fit as a whole, appending none of it', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 5 });
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent(1), outputEvent(2), outputEvent(3)]);
      const tooMany = [outputEvent(4), outputEvent(5), outputEvent(6)];
      expect(await opened.log.append(requestId, tooMany)).toEqual({
        accepted: false,
        reason: 'full',
      });
      expect(seqsOf(await readAll(opened.log, requestId))).toEqual([1, 2, 3]);
      expect(await appendAccepted(opened.log, requestId, tooMany.slice(0, 2))).toBe(5);
    });

    it('gives a reader that was behind correct seqs after superseded events are dropped', async () => {
      await using opened = await openLog(makeLog, { maxEvents: 4 });
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent('first'), progressEvent(0)]);
      const before = await readAll(opened.log, requestId);
      expect(seqsOf(before)).toEqual([1, 2]);
      await appendFrames(opened.log, requestId, 20);
      await appendAccepted(opened.log, requestId, [logEvent('after'), resultEvent('done')]);
      const after = await readAll(opened.log, requestId, { afterSeq: 2 });
      expect(after.map((event) => [event.seq, event.type])).toEqual([
        [21, 'progress'],
        [22, 'preview'],
        [23, 'log'],
        [24, 'result'],
      ]);
    });
  });
}

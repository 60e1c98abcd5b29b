import { randomUUID } from 'node:crypto';
import type { EventLog } from '../event-log.js';
import type { NewEvent } from '../event-types.js';
import {
  appendAccepted,
  createRequest,
  errorEvent,
  logEvent,
  numbered,
  openLog,
  outputEvent,
  progressEvent,
  readAll,
  resultEvent,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';

/** Batches with a terminal event that is not their last: one terminal event per request. */
const MISPLACED_TERMINAL_BATCHES: ReadonlyArray<readonly NewEvent[]> = [
  [resultEvent('early'), outputEvent('late')],
  [resultEvent('first'), resultEvent('second')],
  [errorEvent('app_error'), resultEvent('second')],
];

/** Whether the log refused the append, by rejecting or by answering not accepted. */
async function isRefused(append: () => Promise<unknown>): Promise<boolean> {
  try {
    const result = (await append()) as { accepted: boolean };
    return !result.accepted;
  } catch {
    return true;
  }
}

/** What a refused append must leave unchanged: the lookup and the events stored. */
async function stateOf(log: EventLog, requestId: string) {
  return { lookup: await log.lookup(requestId), stored: (await readAll(log, requestId)).length };
}

function unchangedAt(lastSeq: number) {
  return { lookup: { state: 'live', lastSeq }, stored: lastSeq };
}

export function describeAppendConformance(
  harness: ConformanceHarness,
  makeLog: MakeEventLog,
): void {
  const { describe, it, expect } = harness;
  describe('append', () => {
    it('numbers events 1..n in order across batches', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const batches = [
        [outputEvent('a'), outputEvent('b')],
        [logEvent('c')],
        [progressEvent(1), outputEvent('d'), logEvent('e')],
      ];
      const lastSeqs: number[] = [];
      for (const batch of batches)
        lastSeqs.push(await appendAccepted(opened.log, requestId, batch));
      expect(lastSeqs).toEqual([2, 3, 6]);
      expect(await readAll(opened.log, requestId)).toEqual(numbered(batches.flat()));
    });

    it('keeps payloads byte for byte', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const events = [
        outputEvent({ text: 'h\u00e9llo \u{1f30a} \u2028', nested: [1, null, { deep: true }] }),
        { type: 'output', json: '"\\u00e9 spaced  out "' } as const,
      ];
      await appendAccepted(opened.log, requestId, events);
      expect(await readAll(opened.log, requestId)).toEqual(numbered(events));
    });

    it('accepts a batch whose last event is the terminal one', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const batch = [progressEvent(1), outputEvent('a'), resultEvent({ done: true })];
      expect(await opened.log.append(requestId, batch)).toEqual({ accepted: true, lastSeq: 3 });
      expect(await readAll(opened.log, requestId)).toEqual(numbered(batch));
    });

    it('answers ended to every append after the terminal event', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent('a'), resultEvent('done')]);
      const lateBatches = [
        [outputEvent('late')],
        [logEvent('late')],
        [progressEvent(2)],
        [resultEvent('again')],
        [errorEvent('cancelled')],
      ];
      for (const batch of lateBatches) {
        expect(await opened.log.append(requestId, batch)).toEqual({
          accepted: false,
          reason: 'ended',
        });
      }
      const stored = await readAll(opened.log, requestId);
      expect(stored.map((event) => event.type)).toEqual(['output', 'result']);
      expect(await opened.log.lookup(requestId)).toMatchObject({ state: 'ended', lastSeq: 2 });
    });

    it('answers missing for an unknown request', async () => {
      await using opened = await openLog(makeLog);
      expect(await opened.log.append(randomUUID(), [outputEvent('a')])).toEqual({
        accepted: false,
        reason: 'missing',
      });
    });

    it('refuses a batch whose terminal event is not last, appending nothing', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent('before')]);
      for (const batch of MISPLACED_TERMINAL_BATCHES) {
        expect(await isRefused(() => opened.log.append(requestId, batch))).toBe(true);
        expect(await stateOf(opened.log, requestId)).toMatchObject(unchangedAt(1));
      }
    });

    it('reports a refused batch through its promise, never by throwing synchronously', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      for (const batch of MISPLACED_TERMINAL_BATCHES) {
        let pending: Promise<unknown> | undefined;
        expect(() => {
          pending = opened.log.append(requestId, batch);
        }).not.toThrow();
        await pending?.catch(() => undefined);
      }
      expect(await stateOf(opened.log, requestId)).toMatchObject(unchangedAt(0));
    });
  });
}

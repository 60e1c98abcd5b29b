import type { EventLog } from '../event-log.js';
import type { LoggedEvent, NewEvent } from '../event-types.js';
import {
  appendAccepted,
  createRequest,
  logEvent,
  numbered,
  openLog,
  outputEvent,
  previewEvent,
  progressEvent,
  readAll,
  resultEvent,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';

/** A run's events: seqs 2, 5, 7, 8, 10, 11 and 12 are the ones a reader that is behind gets. */
const RUN_EVENTS: readonly NewEvent[] = [
  progressEvent(1),
  outputEvent('a'),
  previewEvent(1),
  progressEvent(2),
  logEvent('halfway'),
  previewEvent(2),
  outputEvent('b'),
  previewEvent(3),
  progressEvent(3),
  logEvent('almost'),
  progressEvent(4),
  resultEvent({ text: 'ab' }),
];
const SEQS_FOR_A_READER_BEHIND = [2, 5, 7, 8, 10, 11, 12];

function pick(events: readonly LoggedEvent[], seqs: readonly number[]): LoggedEvent[] {
  return events.filter((event) => seqs.includes(event.seq));
}

async function appendRun(log: EventLog, requestId: string): Promise<void> {
  await appendAccepted(log, requestId, RUN_EVENTS.slice(0, 5));
  await appendAccepted(log, requestId, RUN_EVENTS.slice(5, 9));
  await appendAccepted(log, requestId, RUN_EVENTS.slice(9));
}

export function describeSupersessionConformance(
  harness: ConformanceHarness,
  makeLog: MakeEventLog,
): void {
  const { describe, it, expect } = harness;
  describe('supersession', () => {
    it('gives a reader that is behind the latest progress and preview, and all else', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendRun(opened.log, requestId);
      const expected = pick(numbered(RUN_EVENTS), SEQS_FOR_A_READER_BEHIND);
      expect(await readAll(opened.log, requestId)).toEqual(expected);
    });

    it('gives a reader that is behind the same events in one batch or in small ones', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendRun(opened.log, requestId);
      const expected = pick(numbered(RUN_EVENTS), SEQS_FOR_A_READER_BEHIND);
      for (const batchSize of [1, 2, 3, 5]) {
        expect(await readAll(opened.log, requestId, { batchSize })).toEqual(expected);
      }
    });

    it('skips superseded events for a reader resuming in the middle', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendRun(opened.log, requestId);
      const expected = pick(numbered(RUN_EVENTS), SEQS_FOR_A_READER_BEHIND).slice(2);
      expect(await readAll(opened.log, requestId, { afterSeq: 6 })).toEqual(expected);
    });

    it('keeps the latest progress and preview of a live log for a reader that is behind', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const events = [progressEvent(1), previewEvent(1), progressEvent(2), previewEvent(2)];
      await appendAccepted(opened.log, requestId, events);
      expect(await readAll(opened.log, requestId)).toEqual(numbered(events).slice(2));
    });

    it('gives a reader that reads after each append every event', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const received: LoggedEvent[] = [];
      for (const event of RUN_EVENTS) {
        await appendAccepted(opened.log, requestId, [event]);
        const lastSeen = received.at(-1)?.seq ?? 0;
        received.push(...(await readAll(opened.log, requestId, { afterSeq: lastSeen })));
      }
      expect(received).toEqual(numbered(RUN_EVENTS));
    });
  });
}

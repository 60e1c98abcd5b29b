import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import type { EventLog } from '../event-log.js';
import type { LoggedEvent, NewEvent } from '../event-types.js';
import { readCursor } from '../read-cursor.js';
import {
  appendAccepted,
  createRequest,
  logEvent,
  numbered,
  openLog,
  outputEvent,
  previewEvent,
  progressEvent,
  resultEvent,
  seqsOf,
  type MakeEventLog,
} from './conformance-fixtures.js';
import type { ConformanceHarness } from './conformance-harness.js';

/** Bounds every cursor, so that a lost wake-up fails an assertion rather than the timeout. */
const CURSOR_DEADLINE_MS = 5_000;

interface CollectOptions {
  readonly signal?: AbortSignal;
  readonly afterSeq?: number;
  readonly batchSize?: number;
  /** How long the consumer dawdles after each batch. */
  readonly pauseMs?: number;
}

async function collectCursor(
  log: EventLog,
  requestId: string,
  options: CollectOptions = {},
): Promise<LoggedEvent[]> {
  const signal = options.signal ?? AbortSignal.timeout(CURSOR_DEADLINE_MS);
  const cursorOptions = { afterSeq: options.afterSeq ?? 0, signal, batchSize: options.batchSize };
  const received: LoggedEvent[] = [];
  for await (const batch of readCursor(log, requestId, cursorOptions)) {
    received.push(...batch.events);
    if (options.pauseMs) await delay(options.pauseMs);
  }
  return received;
}

/** Appends batch after batch, yielding to the event loop (and now and then a timer) between. */
async function writeWithPauses(
  log: EventLog,
  requestId: string,
  batches: ReadonlyArray<readonly NewEvent[]>,
): Promise<void> {
  for (const [index, batch] of batches.entries()) {
    await appendAccepted(log, requestId, batch);
    if (index % 7 === 0) await delay(1);
    else await nextTurn();
  }
}

/** 60 batches of one to three outputs and logs, the last ending with the result. */
function outputBatches(): NewEvent[][] {
  const batches = Array.from({ length: 60 }, (_, index) =>
    Array.from({ length: 1 + (index % 3) }, (_, offset) =>
      offset === 1 ? logEvent(`line ${index}`) : outputEvent({ index, offset }),
    ),
  );
  batches.push([outputEvent('last'), resultEvent({ batches: 60 })]);
  return batches;
}

/** Rounds of progress, preview and output, in varied batches, then the result. */
function frameBatches(): NewEvent[][] {
  const batches: NewEvent[][] = [];
  for (let round = 0; round < 40; round++) {
    const frames = [progressEvent(round, 40), previewEvent(round), outputEvent({ round })];
    if (round % 2 === 0) batches.push(frames);
    else batches.push(...frames.map((frame) => [frame]));
  }
  batches.push([progressEvent(40, 40), resultEvent({ rounds: 40 })]);
  return batches;
}

function lastSeqOfType(events: readonly LoggedEvent[], type: LoggedEvent['type']): number {
  return events.filter((event) => event.type === type).at(-1)?.seq ?? 0;
}

export function describeCursorConformance(
  harness: ConformanceHarness,
  makeLog: MakeEventLog,
): void {
  const { describe, it, expect } = harness;
  describe('concurrent cursors', () => {
    it('delivers identical full sequences to many cursors while a writer appends', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const batches = outputBatches();
      const early = Array.from({ length: 16 }, (_, index) =>
        collectCursor(opened.log, requestId, { batchSize: 1 + (index % 5) }),
      );
      const writing = writeWithPauses(opened.log, requestId, batches);
      await delay(5);
      const late = Array.from({ length: 8 }, (_, index) =>
        collectCursor(opened.log, requestId, { batchSize: 2 + index }),
      );
      await writing;
      const expected = numbered(batches.flat());
      for (const received of await Promise.all([...early, ...late])) {
        expect(received).toEqual(expected);
      }
    });

    it('gives slow cursors every output and the latest frames, in seq order, once', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const batches = frameBatches();
      const cursors = Array.from({ length: 12 }, (_, index) =>
        collectCursor(opened.log, requestId, { batchSize: 1 + (index % 4), pauseMs: index % 4 }),
      );
      await writeWithPauses(opened.log, requestId, batches);
      const stored = numbered(batches.flat());
      const outputSeqs = seqsOf(stored.filter((event) => event.type === 'output'));
      for (const received of await Promise.all(cursors)) {
        const seqs = seqsOf(received);
        expect(seqs).toEqual([...new Set(seqs)].sort((left, right) => left - right));
        expect(received).toEqual(received.map((event) => stored[event.seq - 1]));
        expect(seqsOf(received.filter((event) => event.type === 'output'))).toEqual(outputSeqs);
        expect(seqs).toContain(lastSeqOfType(stored, 'progress'));
        expect(seqs).toContain(lastSeqOfType(stored, 'preview'));
        expect(received.at(-1)).toEqual(stored.at(-1));
      }
    });

    it('resumes a cursor after a given seq', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      const events = [
        outputEvent(1),
        outputEvent(2),
        logEvent('3'),
        outputEvent(4),
        resultEvent(5),
      ];
      await appendAccepted(opened.log, requestId, events);
      const received = await collectCursor(opened.log, requestId, { afterSeq: 3 });
      expect(received).toEqual(numbered(events).slice(3));
    });

    it('ends a cursor without throwing when its signal aborts', async () => {
      await using opened = await openLog(makeLog);
      const requestId = await createRequest(opened.log);
      await appendAccepted(opened.log, requestId, [outputEvent(1), outputEvent(2)]);
      const controller = new AbortController();
      const collecting = collectCursor(opened.log, requestId, { signal: controller.signal });
      await delay(20);
      controller.abort();
      expect(seqsOf(await collecting)).toEqual([1, 2]);
    });
  });
}

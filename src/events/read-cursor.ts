import type { EventBatch, EventLog } from './event-log.js';
import type { WaitSignal } from './wait-signal.js';

/** Options of {@link readCursor} and {@link nextBatch}. */
export interface CursorOptions {
  /** Start after this seq: 0 for the whole log, a `Last-Event-ID` to resume. */
  readonly afterSeq: number;
  /** Ends the cursor (the consumer left). */
  readonly signal: WaitSignal;
  /** Most events read per batch. */
  readonly batchSize?: number;
  /**
   * The caller read the log up to `afterSeq` a moment ago (its last batch): the cursor waits
   * for news before it reads, so a log with none costs no read (on Redis, no round trip
   * per event of a stream that keeps up).
   */
  readonly caughtUp?: boolean;
}

const DEFAULT_BATCH_SIZE = 1024;

/**
 * The next batch after `afterSeq` that has events to send or ends the log, waiting for the
 * run when there is none yet; `undefined` when `signal` aborts or the log is gone. The
 * batch's `lastSeq` is where to continue, with `caughtUp` once the caller has read that
 * far. A plain async function rather than a generator, so a cursor that waits holds as
 * little as possible.
 *
 * @example
 * const first = await nextBatch(log, requestId, { afterSeq: lastEventId, signal });
 * const next = await nextBatch(log, requestId, { afterSeq: first.lastSeq, signal, caughtUp: true });
 */
export async function nextBatch(
  log: EventLog,
  requestId: string,
  options: CursorOptions,
): Promise<EventBatch | undefined> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let position = options.afterSeq;
  if (options.caughtUp) await log.waitForEvents(requestId, position, options.signal);
  while (!options.signal.aborted) {
    const batch = await log.read(requestId, position, batchSize);
    if (!batch) return undefined;
    if (batch.events.length > 0 || batch.ended) return batch;
    if (batch.lastSeq > position) {
      position = batch.lastSeq;
      continue;
    }
    await log.waitForEvents(requestId, position, options.signal);
  }
  return undefined;
}

/**
 * A cursor over one request's log: yields batches of sendable events in seq order until the
 * terminal event, then ends. It reads only when its consumer asks for the next batch, so a
 * slow consumer reads less often, sees bigger backlogs and skips superseded progress and
 * previews, without slowing the run or buffering copies. Ends early, without throwing, when
 * `signal` aborts or the log expires.
 *
 * @example
 * for await (const batch of readCursor(log, requestId, { afterSeq: 0, signal })) {
 *   socket.write(encodeSseFrames(batch.events));
 * }
 */
export async function* readCursor(
  log: EventLog,
  requestId: string,
  options: CursorOptions,
): AsyncGenerator<EventBatch, void, undefined> {
  let afterSeq = options.afterSeq;
  for (;;) {
    const { signal, batchSize } = options;
    const caughtUp = afterSeq !== options.afterSeq;
    const batch = await nextBatch(log, requestId, { afterSeq, signal, batchSize, caughtUp });
    if (!batch) return;
    if (batch.events.length > 0) yield batch;
    if (batch.ended) return;
    afterSeq = batch.lastSeq;
  }
}

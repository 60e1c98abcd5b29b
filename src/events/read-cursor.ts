import type { EventBatch, EventLog } from './event-log.js';

/** Options of {@link readCursor}. */
export interface CursorOptions {
  /** Start after this seq: 0 for the whole log, a `Last-Event-ID` to resume. */
  readonly afterSeq: number;
  /** Ends the cursor (the consumer left). */
  readonly signal: AbortSignal;
  /** Most events read per batch. */
  readonly batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 1024;

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
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let position = options.afterSeq;
  while (!options.signal.aborted) {
    const batch = await log.read(requestId, position, batchSize);
    if (!batch) return;
    if (batch.events.length > 0) yield batch;
    if (batch.ended) return;
    if (batch.lastSeq > position) {
      position = batch.lastSeq;
      continue;
    }
    await log.waitForEvents(requestId, position, options.signal);
  }
}

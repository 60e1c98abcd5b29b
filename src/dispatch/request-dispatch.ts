import type { ChildRuns } from '../runtime/child-runs.js';
import type { RequestRecord } from '../events/event-log.js';
import type { SluiceError } from '../errors/sluice-error.js';
import type { AppQueueStats } from './request-queue.js';
import type { CancelAnswer, DispatchState, Submission, Submitted } from './tracked-request.js';

/** Where a request stands and when it moved, as status routes report it. */
export interface RequestProgress {
  readonly state: DispatchState;
  /** Milliseconds since the epoch. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** It ended because it did not start within its start timeout. */
  readonly startTimedOut?: boolean;
}

/**
 * What the gateway asks of request dispatch. The in-process `Dispatcher` runs
 * requests itself; the Redis dispatcher (`src/cluster/`) queues them for remote workers.
 * Both keep the same semantics, so every route works unchanged over either.
 *
 * @example
 * const { record } = await dispatch.submit(submission);
 * const queuePosition = await dispatch.position(record.requestId); // undefined once started
 * const detach = dispatch.attach(record.requestId);
 */
export interface RequestDispatch {
  /** Requests this gateway submitted that have not ended. */
  readonly activeRuns: number;
  /** Requests waiting to start, as far as this gateway knows. */
  readonly queueDepth: number;
  /** Whether it has stopped taking requests. */
  readonly isClosing: boolean;
  /** Queues a request; 429 `overloaded` past the queue limit, 503 while shutting down. */
  submit(submission: Submission): Promise<Submitted>;
  /** Where a request stands; `undefined` once forgotten or never seen. */
  progress(requestId: string): Promise<RequestProgress | undefined>;
  /** Requests of the same app ahead of a queued one; `undefined` when it is not waiting. */
  position(requestId: string): Promise<number | undefined>;
  /**
   * How many requests of an app wait in the queue (over every gateway in Redis mode) and
   * since when the oldest; `undefined` when the queue cannot tell. Optional.
   */
  queueStats?(appId: string): Promise<AppQueueStats | undefined>;
  /** Resolves at the next change of any request's state or position, or when `signal` aborts. */
  nextChange(signal?: AbortSignal): Promise<void>;
  /** Marks a client as attached to a request; call the returned function when it leaves. */
  attach(requestId: string): () => void;
  /** Cancels a request, queued or running, wherever it runs. */
  cancel(requestId: string, reason?: SluiceError): Promise<CancelAnswer>;
  /** A {@link ChildRuns} for a parent run: children join the same queue and limits. */
  childRunsFor(parent: RequestRecord): ChildRuns;
  /** Graceful shutdown: refuses new requests, then lets this gateway's work end within `deadlineMs`. */
  shutdown(deadlineMs: number): Promise<void>;
}

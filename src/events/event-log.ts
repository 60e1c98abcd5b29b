import type { LoggedEvent, NewEvent } from './event-types.js';
import type { WaitSignal } from './wait-signal.js';

/** Who made a request, and for what: fixed when the request is created. */
export interface RequestRecord {
  readonly requestId: string;
  readonly appId: string;
  /** The endpoint's sub-path, `''` for the default endpoint. */
  readonly endpoint: string;
  /** Fingerprint of the API key that made the request, or `'anonymous'`. */
  readonly owner: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** What the log knows of a request id. */
export type RequestLookup =
  | { readonly state: 'live' | 'ended'; readonly record: RequestRecord; readonly lastSeq: number }
  | { readonly state: 'expired'; readonly record: RequestRecord }
  | { readonly state: 'unknown' };

/** A cursor's read: the events after its position, superseded ones already left out. */
export interface EventBatch {
  readonly events: readonly LoggedEvent[];
  /** The cursor's position after this batch (the last seq examined, sent or skipped). */
  readonly lastSeq: number;
  /** The terminal event is at or before `lastSeq`: nothing will follow. */
  readonly ended: boolean;
}

/** Why an append was refused. */
export type AppendRefusal = 'full' | 'ended' | 'missing';

/** The outcome of {@link EventLog.append}. */
export type AppendResult =
  | { readonly accepted: true; readonly lastSeq: number }
  | { readonly accepted: false; readonly reason: AppendRefusal };

/** How an append is made. */
export interface AppendOptions {
  /**
   * The writer's epoch: a run's attempt (1, 2… when a lost run is retried elsewhere).
   * Once an attempt has written, a log refuses (`ended`) appends of an older attempt, so
   * a worker that lost its run cannot interleave events with the retry's. Appends without
   * one are never refused for it. Backends that never retry runs may ignore it.
   */
  readonly epoch?: number;
}

/** Caps and retention of every request's log. */
export interface EventLogLimits {
  /** Most events kept per request, after superseded progress/preview events are dropped. */
  readonly maxEvents: number;
  /** Most payload bytes kept per request, likewise. */
  readonly maxBytes: number;
  /** How long a request's log is kept after its terminal event. */
  readonly retentionMs: number;
}

/**
 * Defaults of {@link EventLogLimits}.
 *
 * @example
 * new MemoryEventLog({ ...DEFAULT_EVENT_LOG_LIMITS, retentionMs: 60_000 });
 */
export const DEFAULT_EVENT_LOG_LIMITS: EventLogLimits = {
  maxEvents: 250_000,
  maxBytes: 64 * 1024 * 1024,
  retentionMs: 10 * 60 * 1000,
};

/**
 * The event-log port: the one source of truth for each request's events. Every view (SSE
 * stream, resume, sync result, queue status and result) is a cursor over it.
 *
 * Semantics every backend keeps (the conformance suite in `test/events/` checks them):
 * - `append` numbers events 1, 2, 3… in order; a batch is appended whole or not at all.
 * - A terminal event (`result` or `error`) must be last in its batch and ends the log:
 *   later appends answer `ended`. The terminal event itself is always accepted, whatever
 *   the caps; the other events of its batch are held to the caps like any others.
 * - When an append would pass a cap, progress and preview events that a later one of the
 *   same type (in the log or in the batch) supersedes are dropped first; if it still does
 *   not fit, nothing is appended and it answers `full`.
 * - `read` returns the events after a seq, leaving out progress and preview events that a
 *   later event of the same type supersedes (latest wins); output, log and terminal events
 *   are never left out. Any number of cursors read independently.
 * - The log is kept for `retentionMs` after its terminal event; then `lookup` answers
 *   `expired` with the request's record (so a gateway can tell its owner from strangers)
 *   and `read` answers `undefined`.
 * - After `close`, `read` answers `undefined` and waits end at once, so cursors finish.
 *
 * @example
 * await log.create({ requestId, appId: 'demo/text', endpoint: '', owner: 'anonymous', createdAt: Date.now() });
 * await log.append(requestId, [{ type: 'output', json: '{"token":"hi"}' }]);
 * const batch = await log.read(requestId, 0, 100);
 */
export interface EventLog {
  /** The caps and retention this log enforces; the dispatcher bounds runs and its memory by them. */
  readonly limits: EventLogLimits;
  /** Creates the empty log of a new request. */
  create(record: RequestRecord): Promise<void>;
  /** What the log knows of a request id. */
  lookup(requestId: string): Promise<RequestLookup>;
  /** Appends events in order; see the semantics above. */
  append(
    requestId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Reads at most `maxEvents` (≥ 1) events after `afterSeq`; `undefined` if unknown or expired. */
  read(requestId: string, afterSeq: number, maxEvents: number): Promise<EventBatch | undefined>;
  /** Resolves once an event after `afterSeq` exists, the log ends or expires, or `signal` aborts. */
  waitForEvents(requestId: string, afterSeq: number, signal: WaitSignal): Promise<void>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

import type { RequestView } from './dispatch-observer.js';

/**
 * What a worker in another process needs to run a queued request: its JSON-serialisable
 * submission. The in-process dispatcher keeps the submission itself and sends none.
 */
export interface QueuedRequest {
  /** The input as the client sent it; the worker parses it with the app's own schema. */
  readonly input: unknown;
  readonly owner: string;
  readonly view: RequestView;
  readonly cancelOnDisconnect: boolean;
  /** End with `timeout` if not started by then (milliseconds since the epoch). */
  readonly startDeadline?: number;
  /** The client's run deadline in seconds, which only shortens the app's. */
  readonly runTimeoutSeconds?: number;
  readonly webhookUrl?: string;
  /** W3C `traceparent` of the request's span, while tracing is on. */
  readonly traceparent?: string;
}

/** A request waiting to start. */
export interface QueueEntry {
  readonly requestId: string;
  readonly appId: string;
  /** The endpoint's sub-path, `''` for the default endpoint. */
  readonly endpoint: string;
  /** Higher starts first; `0` is normal, `-1` is fal's `low`. */
  readonly priority: number;
  /** Milliseconds since the epoch. */
  readonly enqueuedAt: number;
  /** The submission, for a worker in another process; kept and returned as is. */
  readonly request?: QueuedRequest;
}

/** One app's waiting requests, for metrics an autoscaler reads. */
export interface AppQueueStats {
  readonly appId: string;
  /** Entries of the app waiting to start. */
  readonly depth: number;
  /** When the oldest of them was enqueued (ms since the epoch); `undefined` when none waits. */
  readonly oldestEnqueuedAt: number | undefined;
}

/**
 * The queue port: where requests wait until the dispatcher has room to start them. The
 * memory queue is the embedded default; the BullMQ queue (`src/redis/`) is the scale-out one.
 *
 * Semantics every backend keeps (the conformance suite in `test/dispatch/` checks them):
 * - **Ordering.** Entries are taken highest priority first; within one priority, in the
 *   order they were enqueued (FIFO). `take` skips entries its predicate refuses (an app
 *   or endpoint at its limit) without reordering them. The predicate decides by app and
 *   endpoint only (a queue may hand out any entry of an endpoint it accepts).
 * - **At most one active run per request.** An entry is removed by the `take` that returns
 *   it, atomically: no two `take`s, on any gateway, return the same request. `remove`
 *   answers `true` only if it removed the entry itself, so a request is either started or
 *   cancelled, never both. A request id is enqueued once; enqueueing it again is a
 *   `TypeError`.
 * - **Positions.** `position` counts the entries of the same app that `take` would return
 *   before this one, ignoring predicates: `0` is next.
 * - **Shutdown.** `drain` removes and returns every waiting entry, so the gateway can end
 *   each with a terminal event; the memory queue keeps nothing across restarts. A durable
 *   backend may instead leave entries for another gateway (its `drain` then returns `[]`).
 *
 * @example
 * await queue.enqueue({ requestId, appId: 'demo/text', endpoint: '', priority: 0, enqueuedAt: Date.now() });
 * const next = await queue.take((entry) => entry.appId === 'demo/text');
 */
export interface RequestQueue {
  /** Adds an entry behind every entry of the same or higher priority. */
  readonly enqueue: (entry: QueueEntry) => Promise<void>;
  /** Removes and returns the first entry `eligible` accepts, in the order above. */
  readonly take: (eligible: (entry: QueueEntry) => boolean) => Promise<QueueEntry | undefined>;
  /** Removes a waiting entry; `false` when it is not waiting (never queued, taken or removed). */
  readonly remove: (requestId: string) => Promise<boolean>;
  /** Entries of the same app ahead of this one; `undefined` when it is not waiting. */
  readonly position: (requestId: string) => Promise<number | undefined>;
  /** How many entries wait. */
  readonly depth: () => Promise<number>;
  /** How many entries of one app wait, and since when the oldest; optional. */
  readonly appStats?: (appId: string) => Promise<AppQueueStats>;
  /** Removes and returns every waiting entry, in order. */
  readonly drain: () => Promise<QueueEntry[]>;
}

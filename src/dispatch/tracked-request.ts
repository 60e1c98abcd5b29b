import type { App, ServedEndpoint } from '../app/define-app.js';
import type { RequestRecord } from '../events/event-log.js';
import type { LoggedEvent } from '../events/event-types.js';
import type { RunControl } from '../runtime/run-control.js';
import type { ObservedRequest, RequestView } from './dispatch-observer.js';
import type { RequestTrace } from './request-trace.js';

/** What to run, and for whom. */
export interface Submission {
  readonly app: App;
  readonly endpoint: ServedEndpoint;
  /** Already validated. */
  readonly input: unknown;
  /**
   * The input as the client sent it, before parsing. A worker in another process parses
   * this one again with the app's own schema (a parsed input may not survive JSON, or a
   * second parse); default `input`.
   */
  readonly sentInput?: unknown;
  /** Fingerprint of the caller's key, or `'anonymous'`. */
  readonly owner: string;
  /** Cancel the run once its last client has been gone for the grace period (stream and sync views). */
  readonly cancelOnDisconnect: boolean;
  /** Which view submitted it, for metrics (default `sync`). */
  readonly view?: RequestView;
  /** Higher starts first (default 0). */
  readonly priority?: number;
  /** End with `timeout` if not started within this many seconds. */
  readonly startTimeoutSeconds?: number;
  /** End the run with `timeout` after this many seconds, if sooner than the app's deadline. */
  readonly runTimeoutSeconds?: number;
  /** Where to POST the outcome once the request ends. */
  readonly webhookUrl?: string;
  /** The request's id, when the caller chose it (default: a random UUID). */
  readonly requestId?: string;
  /** The client sent `cache-control: no-cache`: run afresh, whatever the cache holds. */
  readonly bypassCache?: boolean;
  /** The request's trace, while tracing is on. */
  readonly trace?: RequestTrace;
  /**
   * The caller writes nothing before the run's answer (a realtime input without acks): a
   * run that starts at once starts within `submit`, not on the next turn of the event loop.
   * Default false, so that a stream's head goes out before any of the run's synchronous work.
   */
  readonly startInThisTurn?: boolean;
}

/** Limits that apply to endpoints that declare none. */
export interface DefaultLimits {
  readonly concurrent?: number;
  readonly queued?: number;
}

/** Where a request stands, as the dispatcher knows it. */
export type DispatchState = 'queued' | 'running' | 'ended';

/**
 * What a dispatcher knows of a request it took, read-only: only its
 * {@link RequestLifecycle} (`request-lifecycle.ts`) changes it, through its transitions.
 */
export interface TrackedRequest {
  readonly record: RequestRecord;
  /** What was submitted; its input is dropped once the request ends. */
  readonly submission: Submission;
  readonly state: DispatchState;
  /** Milliseconds since the epoch. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** It ended because it did not start within its start timeout. */
  readonly startTimedOut: boolean;
  /** The run's control, where the run executes in this process, until the request ends. */
  readonly control?: RunControl;
  /** 1 for the first start, 2 for the first retry after a lost worker…; 0 before it starts. */
  readonly attempt: number;
}

/** The answer of {@link Dispatcher.submit}. */
export interface Submitted {
  readonly record: RequestRecord;
  /** How the response cache answered (`x-sluice-cache`), for endpoints that declare one. */
  readonly cache?: CacheAnswer;
  /** Its terminal event, when it ended as it was submitted (a cache hit). */
  readonly terminal?: LoggedEvent;
}

/** `hit`: answered from the cache; `coalesced`: shares an identical request's run; `miss`, `bypass`: runs. */
export type CacheAnswer = 'hit' | 'miss' | 'coalesced' | 'bypass';

/** The answer of {@link Dispatcher.cancel}. */
export type CancelAnswer = 'requested' | 'ended' | 'unknown';

/**
 * A tracked request as metrics see it: its app, endpoint and view.
 *
 * @example
 * observer.started(observed(tracked), waitSeconds);
 */
export function observed(tracked: Readonly<TrackedRequest>): ObservedRequest {
  return {
    appId: tracked.record.appId,
    endpoint: tracked.record.endpoint,
    view: tracked.submission.view ?? 'sync',
    requestId: tracked.record.requestId,
    createdAt: tracked.record.createdAt,
    trace: tracked.submission.trace,
  };
}

import type { RunFacts } from '../runtime/execute-run.js';

import type { RequestTrace } from './request-trace.js';

/** How a request reached the dispatcher. */
export type RequestView = 'sync' | 'stream' | 'queue' | 'child' | 'realtime';

/** A request as metrics see it. */
export interface ObservedRequest {
  readonly appId: string;
  readonly endpoint: string;
  readonly view: RequestView;
  readonly requestId?: string;
  /** Milliseconds since the epoch. */
  readonly createdAt?: number;
  /** The request's trace, while tracing is on. */
  readonly trace?: RequestTrace;
}

/**
 * What the dispatcher reports as requests move through it; the gateway's metrics
 * implement it. Every callback is synchronous and must not throw.
 *
 * @example
 * const observer: DispatchObserver = { ...NO_OBSERVER, finished: (request, outcome) => count(outcome) };
 */
export interface DispatchObserver {
  /** A request was refused before it was queued (`overloaded`, shutting down). */
  readonly refused: (request: ObservedRequest, code: string) => void;
  /** A run started after waiting `waitSeconds` in the queue. */
  readonly started: (request: ObservedRequest, waitSeconds: number) => void;
  /** A run wrote its first event `seconds` after the request was submitted. */
  readonly firstEvent: (request: ObservedRequest, seconds: number) => void;
  /** A request ended: `outcome` is `ok` or the error code; `runSeconds` is undefined if it never started. */
  readonly finished: (
    request: ObservedRequest,
    outcome: string,
    runSeconds: number | undefined,
  ) => void;
  /** A webhook delivery failed for good after its attempts. */
  readonly webhookFailed: (request: ObservedRequest) => void;
  /** A run reported what it measured: its prepare step's time, its batch's size. */
  readonly measured?: (request: ObservedRequest, facts: RunFacts) => void;
  /**
   * The W3C `traceparent` of a started run's span, which the run carries to where it
   * executes (a replica process) and its child runs continue; absent while tracing is off.
   */
  readonly runTraceparent?: (requestId: string) => string | undefined;
}

/**
 * An observer that ignores everything.
 *
 * @example
 * new Dispatcher({ ...options, observer: NO_OBSERVER });
 */
export const NO_OBSERVER: DispatchObserver = {
  refused: () => undefined,
  started: () => undefined,
  firstEvent: () => undefined,
  finished: () => undefined,
  webhookFailed: () => undefined,
};

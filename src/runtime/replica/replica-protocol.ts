import type { QueueCaps } from '../event-writer.js';
import type { AppendResult } from '../../events/event-log.js';
import type { LoggedEvent, NewEvent } from '../../events/event-types.js';
import { SluiceError, isSluiceError } from '../../errors/sluice-error.js';
import { isErrorCode, type ErrorCode } from '../../errors/error-codes.js';
import type { ChildTarget } from '../child-runs.js';
import { carryDetail, failureDetail, type FailureDetail } from '../failure-detail.js';
import type { RunFacts } from '../execute-run.js';

/**
 * What a replica process serves: an app exported by a module, or a `DistributedWorker`
 * class exported by a module.
 */
export type ReplicaTarget =
  | { readonly kind: 'app'; readonly moduleUrl: string; readonly appId: string }
  | { readonly kind: 'worker'; readonly moduleUrl: string; readonly exportName: string };

/** A `SluiceError` as it crosses the replica link. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  /** The app's own error (message, stack, causes), for the parent's log. */
  readonly detail?: FailureDetail;
}

/** One run, as the parent hands it to every rank of a replica. */
export interface RunOrder {
  readonly runId: number;
  readonly requestId: string;
  readonly path: string;
  readonly input: unknown;
  readonly caps: QueueCaps | undefined;
  /** Whether this rank proxies `ctx.map` to the parent. */
  readonly childRuns: boolean;
  /** The client's run deadline in seconds, which only shortens the app's. */
  readonly runTimeoutSeconds?: number;
  /** The view that asked for it: a batched endpoint's stream view runs alone. */
  readonly view?: string;
  /** The state key the run needs (its endpoint's `stateKey`). */
  readonly stateKey?: string;
  /** W3C `traceparent` of the run's span, while tracing is on: its child runs continue it. */
  readonly traceparent?: string;
}

/** Messages from the parent to a replica process. */
export type ParentMessage =
  | { readonly kind: 'run'; readonly order: RunOrder }
  | { readonly kind: 'cancel'; readonly runId: number; readonly error: WireError }
  | { readonly kind: 'appended'; readonly runId: number; readonly result: AppendResult }
  | {
      readonly kind: 'child-result';
      readonly callId: number;
      readonly output?: unknown;
      readonly error?: WireError;
    }
  /** A streamed child's next batch, sent once asked for (`child-stream`, `child-pull`). */
  | {
      readonly kind: 'child-events';
      readonly callId: number;
      readonly events: readonly LoggedEvent[];
    }
  | {
      readonly kind: 'rank-message';
      readonly runId: number;
      readonly fromRank: number;
      readonly message: unknown;
    };

/** Messages from a replica process to its parent. */
export type ReplicaMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'setup-failed'; readonly error: string; readonly stack?: string }
  | { readonly kind: 'append'; readonly runId: number; readonly events: readonly NewEvent[] }
  | {
      readonly kind: 'finished';
      readonly runId: number;
      readonly error?: WireError;
      readonly facts?: RunFacts;
      /** The run's code had returned already: no `settled` message follows. */
      readonly settled?: boolean;
    }
  | { readonly kind: 'settled'; readonly runId: number }
  /** The rank has taken a cancel (its run's signal aborted): its cancel deadline starts. */
  | { readonly kind: 'cancel-seen'; readonly runId: number }
  | {
      readonly kind: 'child-run';
      readonly runId: number;
      readonly callId: number;
      readonly target: ChildTarget;
      readonly input: unknown;
    }
  /** Starts a child whose events are streamed (`ctx.stream`), and asks for its first batch. */
  | {
      readonly kind: 'child-stream';
      readonly runId: number;
      readonly callId: number;
      readonly target: ChildTarget;
      readonly input: unknown;
    }
  /** Asks for a streamed child's next batch. */
  | { readonly kind: 'child-pull'; readonly callId: number }
  | { readonly kind: 'child-cancel'; readonly callId: number }
  | {
      readonly kind: 'rank-send';
      readonly runId: number;
      readonly toRank: number;
      readonly message: unknown;
    };

/**
 * A thrown value as it crosses the replica link: a `SluiceError` keeps its code and message,
 * anything else becomes `internal`.
 *
 * @example
 * toWireError(new SluiceError('cancelled', 'Cancelled')); // { code: 'cancelled', message: 'Cancelled' }
 */
export function toWireError(thrown: unknown): WireError {
  if (isSluiceError(thrown)) {
    const { code, message } = thrown;
    return code === 'cancelled'
      ? { code, message }
      : { code, message, detail: failureDetail(thrown) };
  }
  return { code: 'internal', message: 'Internal server error' };
}

/**
 * The `SluiceError` a {@link WireError} stands for.
 *
 * @example
 * fromWireError({ code: 'worker_lost', message: 'The worker died' }).status; // 503
 */
export function fromWireError(wire: WireError): SluiceError {
  const code = isErrorCode(wire.code) ? wire.code : 'internal';
  return carryDetail(new SluiceError(code, String(wire.message)), wire.detail);
}

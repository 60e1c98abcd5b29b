import type { LoggedEvent } from '../events/event-types.js';

/**
 * Where a child run goes: an app and one of its endpoints (`''` for the default), and the
 * trace it joins.
 */
export interface ChildTarget {
  readonly appId: string;
  readonly path: string;
  /**
   * W3C `traceparent` of the calling run's span, while tracing is on: the child's spans
   * hang under it. It crosses the IPC channel with the target from a replica process.
   */
  readonly traceparent?: string;
}

/**
 * How a run starts runs of other endpoints (`ctx.map`, `ctx.stream`). The gateway's
 * dispatcher provides it, so children obey the same limits and placement as any request;
 * replica processes proxy it to their parent.
 */
export interface ChildRuns {
  /** Runs one input and resolves with its output; rejects with a `SluiceError`. Aborting `signal` cancels the child. */
  run(target: ChildTarget, input: unknown, signal: AbortSignal): Promise<unknown>;
  /**
   * Runs one input and yields its logged events in batches, read only as the consumer asks
   * (so a slow one skips superseded progress and previews); the last batch ends with the
   * `result` event. A child that fails, or cannot start, throws its `SluiceError` after the
   * events before it. Aborting `signal`, or leaving before the end, cancels the child.
   */
  stream(
    target: ChildTarget,
    input: unknown,
    signal: AbortSignal,
  ): AsyncIterable<readonly LoggedEvent[]>;
}

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
 * How a run starts runs of other endpoints (`ctx.map`). The gateway's dispatcher provides
 * it, so children obey the same limits and placement as any request; replica processes
 * proxy it to their parent.
 */
export interface ChildRuns {
  /** Runs one input and resolves with its output; rejects with a `SluiceError`. Aborting `signal` cancels the child. */
  run(target: ChildTarget, input: unknown, signal: AbortSignal): Promise<unknown>;
}

import type { MapOptions, MapTarget } from '../app/app-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns } from './child-runs.js';

/** One `ctx.map` call. */
export interface MapRequest {
  readonly childRuns: ChildRuns | undefined;
  /** The parent run's signal: aborting it cancels every child. */
  readonly signal: AbortSignal;
  readonly target: MapTarget;
  readonly inputs: Iterable<unknown> | AsyncIterable<unknown>;
  readonly options: MapOptions;
}

/**
 * Fans inputs out to child runs and yields their outputs (implementation in progress).
 *
 * @example
 * for await (const output of mapRuns({ childRuns, signal, target: 'demo/echo', inputs, options: {} })) {}
 */
export function mapRuns<Output>(request: MapRequest): AsyncIterable<Output> {
  void request;
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new SluiceError('internal', 'ctx.map is not available yet')),
    }),
  };
}

import type { ServedEndpoint } from '../../app/define-app.js';
import type { RunContext } from '../../app/app-types.js';
import { isThenable } from '../run-scope.js';

/** An endpoint whose run reports when the app's code has really returned. */
export interface TrackedEndpoint {
  readonly endpoint: ServedEndpoint;
  /** Resolves once the run function (or its generator) has returned or thrown; at once if it never ran. */
  readonly settled: () => Promise<void>;
  /** Whether the run function (or its generator) has returned or thrown already. */
  readonly returned: () => boolean;
}

function isAsyncGenerator(value: unknown): value is RunGenerator {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncGenerator).next === 'function' &&
    Symbol.asyncIterator in value
  );
}

type RunGenerator = AsyncGenerator<unknown, unknown, undefined>;

/** Delegates to `generator`, calling `onDone` once a step says it is done or throws. */
function watchGenerator(generator: RunGenerator, onDone: () => void): RunGenerator {
  const settle = (step: Promise<IteratorResult<unknown, unknown>>) =>
    step.then(
      (result) => {
        if (result.done) onDone();
        return result;
      },
      (error: unknown) => {
        onDone();
        throw error;
      },
    );
  const watched: RunGenerator = {
    next: () => settle(generator.next()),
    return: (value) => settle(generator.return(value)),
    throw: (error) => settle(generator.throw(error)),
    [Symbol.asyncIterator]: () => watched,
  };
  return watched;
}

/**
 * Wraps an endpoint so the replica knows when the app's code is done. `executeRun` ends a
 * cancelled run at once, whether or not the app noticed; the replica keeps the run's slot
 * until its code returns, and the parent kills a replica whose code outlives the cancel
 * deadline.
 *
 * @example
 * const tracked = trackSettlement(endpoint);
 * await executeRun({ ...job, endpoint: tracked.endpoint });
 * await tracked.settled();
 */
export function trackSettlement(endpoint: ServedEndpoint): TrackedEndpoint {
  let ran = false;
  let returned = false;
  // Made only when asked for (a cancelled run whose code has not returned): most runs never are.
  let waiters: Array<() => void> | undefined;
  const markDone = () => {
    returned = true;
    for (const resolve of waiters ?? []) resolve();
    waiters = undefined;
  };
  const run = (input: unknown, context: RunContext) => {
    ran = true;
    try {
      const result = endpoint.run(input, context);
      if (isAsyncGenerator(result)) return watchGenerator(result, markDone);
      if (isThenable(result)) result.then(markDone, markDone);
      else markDone();
      return result;
    } catch (error) {
      markDone();
      throw error;
    }
  };
  const done = () => !ran || returned;
  return {
    // Not `{ ...endpoint, run }`: a literal that starts with a spread and adds a property
    // after it gets a hidden class of its own (per run) in this V8.
    endpoint: Object.assign({}, endpoint, { run }),
    settled: () =>
      done() ? Promise.resolve() : new Promise((resolve) => (waiters ??= []).push(resolve)),
    returned: done,
  };
}

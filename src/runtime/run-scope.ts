import { createHook, executionAsyncResource } from 'node:async_hooks';

/** What a stray error thrown from a run's callbacks needs to find its run. */
export interface RunScope {
  readonly requestId: string;
  readonly fail: (error: unknown) => void;
}

const SCOPE = Symbol('sluice.runScope');

/** An async resource (a timer, a promise, a socket) that may carry the run that made it. */
interface ScopeCarrier {
  [SCOPE]?: RunScope;
}

function currentResource(): ScopeCarrier {
  return executionAsyncResource();
}

type InitArguments = [asyncId: number, type: string, triggerAsyncId: number, resource: object];

/** Gives every async resource created while a run's code executes that run's scope. */
const carryScope = createHook({
  init(...[, , , resource]: InitArguments) {
    const scope = currentResource()[SCOPE];
    if (scope !== undefined) (resource as ScopeCarrier)[SCOPE] = scope;
  },
});

/** How many runs' code may be executing now: the hook is on while there is any. */
let liveRuns = 0;

function holdHook(): void {
  if (liveRuns++ === 0) carryScope.enable();
}

function releaseHook(): void {
  if (--liveRuns === 0) carryScope.disable();
}

/**
 * Whether a value is a promise or any other thenable: what `await` would wait for.
 *
 * @example
 * const output = isThenable(returned) ? await returned : returned;
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * The run whose code is executing now. Node carries this scope across timers, promises and
 * event-emitter callbacks created inside the run, so an exception that escapes the run's
 * own call chain can still fail that run rather than crash or wedge the server.
 *
 * It works like an `AsyncLocalStorage`, with one difference that matters on a busy gateway:
 * its hook, which every promise in the process pays for, is on only while some run's code
 * is executing. A gateway that is answering cache hits, statuses or streams of runs held
 * elsewhere pays nothing. A resource keeps the scope it was given after the hook is off, so
 * a timer a run left behind still finds its run.
 *
 * @example
 * const output = await runScope.run({ requestId, fail }, () => app.run(input, ctx));
 * runScope.getStore()?.requestId; // inside the run, and in the timers it set
 */
export const runScope = {
  /** The scope of the run whose code is executing, if any. */
  getStore(): RunScope | undefined {
    return currentResource()[SCOPE];
  },

  /**
   * Calls `work` as the run of `scope`. If it returns a promise, the scope is carried to
   * what it creates until that promise settles, and the same promise is returned.
   */
  run<T>(scope: RunScope, work: () => T): T {
    holdHook();
    const resource = currentResource();
    const outer = resource[SCOPE];
    resource[SCOPE] = scope;
    let result: T;
    try {
      result = work();
    } catch (error) {
      releaseHook();
      throw error;
    } finally {
      resource[SCOPE] = outer;
    }
    if (isThenable(result)) result.then(releaseHook, releaseHook);
    else releaseHook();
    return result;
  },
};

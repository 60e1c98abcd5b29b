import { AsyncLocalStorage } from 'node:async_hooks';

/** What a stray error thrown from a run's callbacks needs to find its run. */
export interface RunScope {
  readonly requestId: string;
  readonly fail: (error: unknown) => void;
}

/**
 * The run whose code is executing now. Node keeps this context across timers, promises and
 * event-emitter callbacks created inside the run, so an exception that escapes the run's
 * own call chain can still fail that run rather than crash or wedge the server.
 */
export const runScope = new AsyncLocalStorage<RunScope>();

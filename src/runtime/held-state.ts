import type { ServedEndpoint } from '../app/define-app.js';

/**
 * The state key a process holds, and its switches: `enterState` runs once per change of
 * key, and runs of the key it is entering wait for it. Whoever schedules the runs (the
 * replica pool, or a {@link KeyedGate} in one process) never starts runs of two keys at
 * once, so a switch never happens under a running run.
 *
 * @example
 * const endpoint = await held.endpointFor(found, order.stateKey);
 */
export class HeldState {
  private key: string | undefined;
  private entering: Promise<void> = Promise.resolve();

  constructor(private readonly state: unknown) {}

  enter(endpoint: ServedEndpoint | undefined, key: string | undefined): Promise<void> {
    const enterState = endpoint?.enterState;
    if (key === undefined || !enterState || this.key === key) return this.entering;
    const previousKey = this.key;
    this.key = key;
    this.entering = this.entering
      .catch(() => undefined)
      .then(async () => {
        await enterState(key, { state: this.state, previousKey });
      });
    this.entering.catch(() => {
      if (this.key === key) this.key = undefined; // the next run of the key tries again
    });
    return this.entering;
  }

  /**
   * The endpoint to run once the key is entered: itself, or, when `enterState` failed, one
   * whose run fails with that error (nothing of the app runs).
   */
  endpointFor(endpoint: ServedEndpoint, key: string | undefined): Promise<ServedEndpoint> {
    return this.enter(endpoint, key).then(
      () => endpoint,
      (error: unknown) => failingEndpoint(endpoint, error),
    );
  }
}

/** An endpoint whose runs fail with `error` (its `enterState` failed): nothing of the app runs. */
function failingEndpoint(endpoint: ServedEndpoint, error: unknown): ServedEndpoint {
  const fail = () => {
    throw error;
  };
  return { ...endpoint, run: fail, prepare: undefined, batch: undefined, runBatch: undefined };
}

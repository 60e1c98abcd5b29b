import type { ServedEndpoint } from '../../app/define-app.js';

/**
 * The state key a replica process holds, and its switches: `enterState` runs once per
 * change of key, and runs of the key it is entering wait for it. The parent never sends
 * runs of two keys at once, so a switch never happens under a running run.
 *
 * @example
 * await held.enter(endpoint, order.stateKey);
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
}

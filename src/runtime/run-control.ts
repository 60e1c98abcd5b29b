import type { RunScope } from './run-scope.js';
import { runScope } from './run-scope.js';
import { SluiceError } from '../errors/sluice-error.js';
import { toTerminalError } from './terminal-error.js';

/**
 * The reason every run's signal aborts with once the run has ended, shared: a run that ends
 * well is the common case, and a fresh error (with its stack) per run costs more than the
 * rest of its end. Frozen, so that no app can change it for the runs after its own.
 */
export const RUN_FINISHED = Object.freeze(new SluiceError('cancelled', 'The run has finished'));

/**
 * How a run is stopped: its abort signal, and the scope that stray errors from its code are
 * traced to. Every abort happens inside the run's scope, so an app's abort listener that
 * throws fails that run (which is ending anyway) instead of taking the server down: Node
 * reports a throwing listener later, in the async context of whoever called `abort()`.
 *
 * @example
 * const control = new RunControl(requestId);
 * control.abort(new SluiceError('cancelled', 'The request was cancelled'));
 */
export class RunControl {
  readonly scope: RunScope;
  private readonly controller = new AbortController();

  constructor(readonly requestId: string) {
    this.scope = { requestId, fail: (error) => this.abort(toTerminalError(error)) };
  }

  /** Aborts when the run is cancelled, fails, times out, or ends. Its reason is a SluiceError. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the run (once; later calls do nothing). */
  abort(reason: SluiceError): void {
    if (this.controller.signal.aborted) return;
    runScope.run(this.scope, () => this.controller.abort(reason));
  }
}

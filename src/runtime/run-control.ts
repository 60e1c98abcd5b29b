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
 * The `AbortSignal` is made only when someone asks for it (the app's `ctx.signal`, a
 * runtime that forwards it): most short runs never do, and a signal with its controller,
 * its listeners and its abort event costs more than the rest of such a run's control. The
 * runtime's own waits use {@link onAbort}, which costs a function in an array.
 *
 * @example
 * const control = new RunControl(requestId);
 * control.abort(new SluiceError('cancelled', 'The request was cancelled'));
 */
export class RunControl {
  readonly scope: RunScope;
  private controller: AbortController | undefined;
  private abortReason: SluiceError | undefined;
  private listeners: Array<(reason: SluiceError) => void> | undefined;

  constructor(readonly requestId: string) {
    this.scope = { requestId, fail: (error) => this.abort(toTerminalError(error)) };
  }

  /** Aborts when the run is cancelled, fails, times out, or ends. Its reason is a SluiceError. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Whether the run was stopped; {@link reason} says why. */
  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  /** Why the run was stopped, once it was. */
  get reason(): SluiceError | undefined {
    return this.abortReason;
  }

  /**
   * Calls `listener` once, when the run is stopped (at once if it already was), before the
   * signal's own listeners. Returns what stops listening.
   */
  onAbort(listener: (reason: SluiceError) => void): () => void {
    if (this.abortReason) {
      listener(this.abortReason);
      return ignore;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.listeners?.splice(index, 1);
    };
  }

  /** Aborts the run (once; later calls do nothing). */
  abort(reason: SluiceError): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    const { listeners, controller } = this;
    this.listeners = undefined;
    if (!listeners && !controller) return;
    runScope.run(this.scope, () => {
      for (const listener of listeners ?? []) listener(reason);
      controller?.abort(reason);
    });
  }
}

function ignore(): void {}

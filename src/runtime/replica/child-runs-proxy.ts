import type { ChildRuns, ChildTarget } from '../child-runs.js';
import { fromWireError, type WireError } from './replica-protocol.js';
import type { ReplicaChannel } from './replica-channel.js';

interface PendingCall {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * `ctx.map` inside a replica process: every child run goes over IPC to the parent, which
 * starts it through the dispatcher's `ChildRuns`. Aborting a call's signal cancels it there.
 *
 * @example
 * const proxy = new ChildRunsProxy(channel);
 * const childRuns = proxy.forRun(runId);
 */
export class ChildRunsProxy {
  private nextCallId = 1;
  private readonly pending = new Map<number, PendingCall>();

  constructor(private readonly channel: ReplicaChannel) {}

  /** The `ChildRuns` of one run. */
  forRun(runId: number): ChildRuns {
    return { run: (target, input, signal) => this.call({ runId, target, input, signal }) };
  }

  /** Settles a call with the parent's answer. */
  settle(callId: number, answer: { readonly output?: unknown; readonly error?: WireError }): void {
    const call = this.pending.get(callId);
    if (!call) return;
    this.pending.delete(callId);
    if (answer.error) call.reject(fromWireError(answer.error));
    else call.resolve(answer.output);
  }

  private call(request: {
    readonly runId: number;
    readonly target: ChildTarget;
    readonly input: unknown;
    readonly signal: AbortSignal;
  }): Promise<unknown> {
    const { runId, target, input, signal } = request;
    signal.throwIfAborted();
    const callId = this.nextCallId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(callId)) return;
        this.channel.send({ kind: 'child-cancel', callId });
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.pending.set(callId, {
        resolve: (output) => (done(), resolve(output)),
        reject: (error) => (done(), reject(error)),
      });
      this.channel.send({ kind: 'child-run', runId, callId, target: { ...target }, input });
    });
  }
}

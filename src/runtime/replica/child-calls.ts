import { SluiceError } from '../../errors/sluice-error.js';
import type { ChildRuns } from '../child-runs.js';
import type { RuntimeJob } from '../runtime.js';
import { toWireError, type ParentMessage, type ReplicaMessage } from './replica-protocol.js';

/** The messages of a replica's child calls. */
export type ChildCallMessage = Extract<
  ReplicaMessage,
  { kind: 'child-run' | 'child-stream' | 'child-pull' | 'child-cancel' }
>;

type StartMessage = Extract<ReplicaMessage, { kind: 'child-run' | 'child-stream' }>;

/** What {@link ChildCalls} needs of its replica. */
export interface ChildCallsOptions {
  /** Sends a message to one rank. */
  readonly send: (rank: number, message: ParentMessage) => void;
  /** The job of a run in flight. */
  readonly jobOf: (runId: number) => RuntimeJob | undefined;
}

interface ChildCall {
  readonly runId: number;
  readonly controller: AbortController;
  /** A streamed child waiting for the rank to ask for its next batch. */
  pulled?: () => void;
}

/**
 * The parent's side of the child runs a replica's runs start (`ctx.map`, `ctx.stream`):
 * each starts through the run's own `ChildRuns`, a run's output or error goes back as
 * `child-result`, and a stream's batches as `child-events`, one each time the rank asks.
 *
 * @example
 * const calls = new ChildCalls({ send: (rank, message) => group.send(rank, message), jobOf });
 * calls.receive(rank, message);
 */
export class ChildCalls {
  /** By `rank:callId`. */
  private readonly calls = new Map<string, ChildCall>();

  constructor(private readonly options: ChildCallsOptions) {}

  /** Handles one child-call message from a rank. */
  receive(rank: number, message: ChildCallMessage): void {
    const call = this.calls.get(`${rank}:${message.callId}`);
    switch (message.kind) {
      case 'child-run':
        return void this.run(rank, message);
      case 'child-stream':
        return void this.stream(rank, message);
      case 'child-pull':
        return call?.pulled?.();
      case 'child-cancel':
        return call?.controller.abort();
    }
  }

  /** Cancels the children of a run that ended. */
  cancelRun(runId: number): void {
    for (const call of this.calls.values()) {
      if (call.runId === runId)
        call.controller.abort(new SluiceError('cancelled', 'The parent run ended'));
    }
  }

  /** Aborts every child (the replica died). */
  abortAll(error: SluiceError): void {
    for (const { controller } of this.calls.values()) controller.abort(error);
  }

  private async run(rank: number, message: Extract<StartMessage, { kind: 'child-run' }>) {
    const { callId } = message;
    await this.serve(rank, message, async (childRuns, signal) => {
      const output = await childRuns.run(message.target, message.input, signal);
      this.options.send(rank, { kind: 'child-result', callId, output });
    });
  }

  private async stream(rank: number, message: Extract<StartMessage, { kind: 'child-stream' }>) {
    const { callId } = message;
    await this.serve(rank, message, async (childRuns, signal, call) => {
      for await (const events of childRuns.stream(message.target, message.input, signal)) {
        const pulled = new Promise<void>((resolve) => (call.pulled = resolve));
        this.options.send(rank, { kind: 'child-events', callId, events });
        if (events.at(-1)?.type === 'result') return;
        await abortable(pulled, signal);
      }
    });
  }

  /** Runs one call with its controller registered; a failure answers as `child-result`. */
  private async serve(
    rank: number,
    message: StartMessage,
    work: (childRuns: ChildRuns, signal: AbortSignal, call: ChildCall) => Promise<void>,
  ): Promise<void> {
    const key = `${rank}:${message.callId}`;
    const call: ChildCall = { runId: message.runId, controller: new AbortController() };
    this.calls.set(key, call);
    try {
      const job = this.options.jobOf(message.runId);
      if (!job?.childRuns) throw new SluiceError('internal', 'Child runs are not available here');
      if (job.control.reason) throw job.control.reason;
      await work(job.childRuns, call.controller.signal, call);
    } catch (error) {
      const { callId } = message;
      this.options.send(rank, { kind: 'child-result', callId, error: toWireError(error) });
    } finally {
      this.calls.delete(key);
    }
  }
}

/** Resolves with `promise`, or rejects with the reason once `signal` aborts. */
function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

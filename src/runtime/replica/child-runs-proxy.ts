import type { LoggedEvent } from '../../events/event-types.js';
import type { ChildRuns, ChildTarget } from '../child-runs.js';
import { fromWireError, type ReplicaMessage, type WireError } from './replica-protocol.js';
import type { ReplicaChannel } from './replica-channel.js';

/** What the parent answers a call with: a run's output, a stream's next batch, or an error. */
interface Answer {
  readonly output?: unknown;
  readonly events?: readonly LoggedEvent[];
  readonly error?: WireError;
}

/** One child call, as a run of a replica makes it. */
interface CallRequest {
  readonly runId: number;
  readonly target: ChildTarget;
  readonly input: unknown;
  readonly signal: AbortSignal;
}

/**
 * `ctx.map` and `ctx.stream` inside a replica process: every child run goes over the link to the
 * parent, which starts it through the dispatcher's `ChildRuns`. A stream is pulled: the
 * parent sends the next batch of events only when the run asks for it. Aborting a call's
 * signal, or leaving a stream early, cancels the child there.
 *
 * @example
 * const proxy = new ChildRunsProxy(channel);
 * const childRuns = proxy.forRun(runId);
 */
export class ChildRunsProxy {
  private nextCallId = 1;
  private readonly pending = new Map<number, (answer: Answer) => void>();

  constructor(private readonly channel: ReplicaChannel) {}

  /** The `ChildRuns` of one run. */
  forRun(runId: number): ChildRuns {
    return {
      run: (target, input, signal) => this.run({ runId, target, input, signal }),
      stream: (target, input, signal) => ({
        [Symbol.asyncIterator]: () => this.stream({ runId, target, input, signal }),
      }),
    };
  }

  /** Settles a call's awaited answer with the parent's. */
  settle(callId: number, answer: Answer): void {
    const settle = this.pending.get(callId);
    this.pending.delete(callId);
    settle?.(answer);
  }

  private async run(request: CallRequest): Promise<unknown> {
    const { runId, target, input } = request;
    const callId = this.nextCallId++;
    const start = { kind: 'child-run', runId, callId, target: { ...target }, input } as const;
    const answer = await this.ask(callId, start, request.signal);
    if (answer.error) throw fromWireError(answer.error);
    return answer.output;
  }

  private async *stream(request: CallRequest): AsyncGenerator<readonly LoggedEvent[]> {
    const { runId, target, input } = request;
    const callId = this.nextCallId++;
    let message: ReplicaMessage = {
      kind: 'child-stream',
      runId,
      callId,
      target: { ...target },
      input,
    };
    let ended = false;
    try {
      for (;;) {
        const answer = await this.ask(callId, message, request.signal);
        if (answer.error) {
          ended = true;
          throw fromWireError(answer.error);
        }
        const events = answer.events ?? [];
        ended = events.at(-1)?.type === 'result';
        yield events;
        if (ended) return;
        message = { kind: 'child-pull', callId };
      }
    } finally {
      if (!ended) this.channel.send({ kind: 'child-cancel', callId });
    }
  }

  /** Sends `message` and waits for the parent's answer to `callId`; rejects when `signal` aborts. */
  private ask(callId: number, message: ReplicaMessage, signal: AbortSignal): Promise<Answer> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(callId)) return;
        if (message.kind === 'child-run') this.channel.send({ kind: 'child-cancel', callId });
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(callId, (answer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(answer);
      });
      this.channel.send(message);
    });
  }
}

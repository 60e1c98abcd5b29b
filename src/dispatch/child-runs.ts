import type { App } from '../app/define-app.js';
import { parseInput } from '../app/input-schema.js';
import type { EventLog } from '../events/event-log.js';
import { readCursor } from '../events/read-cursor.js';
import { readTerminal } from '../events/read-terminal.js';
import type { LoggedEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns, ChildTarget } from '../runtime/child-runs.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import type { RequestDispatch } from './request-dispatch.js';
import {
  beginChildTrace,
  endChildTrace,
  type ChildTrace,
  type RequestTrace,
} from './request-trace.js';
import { errorFromEvent } from './terminal-outcome.js';

/** What child runs need from the gateway: the same for every parent, so built once. */
export interface ChildRunSources {
  readonly dispatcher: Pick<RequestDispatch, 'submit' | 'cancel'>;
  readonly eventLog: EventLog;
  readonly findApp: (appId: string) => App | undefined;
  readonly capacityOf: (appId: string) => number;
}

/** The parent run whose children these are. */
export interface ChildRunsParent {
  /** The parent's owner: children belong to the same key. */
  readonly owner: string;
  /** The parent's app, whose slot the parent holds while its children run. */
  readonly appId: string;
}

/** One child to start, and the trace its request carries (while tracing is on). */
interface ChildCall {
  readonly target: ChildTarget;
  readonly input: unknown;
  readonly signal: AbortSignal;
  readonly trace: RequestTrace | undefined;
}

const CURSOR_START = (signal: AbortSignal) => ({ afterSeq: 0, signal });
const GONE = () => new SluiceError('internal', 'The child run’s events are gone');
const LEFT = () => new SluiceError('cancelled', 'The run reading this child’s events stopped');

/** The `sluice.child_run` span of a child call, while tracing is on and the parent has a trace. */
function beginChildSpan(target: ChildTarget): ChildTrace | undefined {
  return beginChildTrace(target.traceparent, {
    'sluice.app': target.appId,
    'sluice.endpoint': target.path || '/',
    'sluice.view': 'child',
  });
}

/** Ends a child span with the outcome of the call it covered (`ok` unless it threw). */
function endChildSpan(child: ChildTrace | undefined, error?: unknown): void {
  if (child) endChildTrace(child, error === undefined ? 'ok' : toTerminalError(error).code);
}

function abortReason(signal: AbortSignal): SluiceError {
  const reason: unknown = signal.reason;
  return reason instanceof SluiceError
    ? reason
    : new SluiceError('cancelled', 'The parent run was cancelled');
}

/**
 * The dispatcher's {@link ChildRuns}: each child is a request of the parent's owner,
 * submitted through the same queue and limits as any other, and awaited (`run`) or read
 * (`stream`) on its event log. Aborting the signal cancels the child.
 *
 * @example
 * const output = await dispatcher.childRunsFor(owner).run({ appId: 'demo/echo', path: '' }, { text }, signal);
 * for await (const events of dispatcher.childRunsFor(owner).stream(target, input, signal)) relay(events);
 */
export class DispatcherChildRuns implements ChildRuns {
  /** Every run holds one until it ends, so it keeps two references and no closures. */
  constructor(
    private readonly sources: ChildRunSources,
    private readonly parent: ChildRunsParent,
  ) {}

  async run(target: ChildTarget, input: unknown, signal: AbortSignal): Promise<unknown> {
    const child = beginChildSpan(target);
    try {
      const output = await this.awaitResult({ target, input, signal, trace: child?.trace });
      endChildSpan(child);
      return output;
    } catch (error) {
      endChildSpan(child, error);
      throw error;
    }
  }

  private async awaitResult(call: ChildCall): Promise<unknown> {
    const { signal } = call;
    const requestId = await this.submit(call);
    const stopWatching = this.cancelOnAbort(requestId, signal);
    try {
      const terminal = await readTerminal(this.sources.eventLog, requestId, signal);
      if (!terminal) throw abortReason(signal);
      if (terminal.type === 'error') throw errorFromEvent(terminal);
      return JSON.parse(terminal.json) as unknown;
    } finally {
      stopWatching();
    }
  }

  async *stream(
    target: ChildTarget,
    input: unknown,
    signal: AbortSignal,
  ): AsyncGenerator<readonly LoggedEvent[]> {
    const child = beginChildSpan(target);
    let ended = false; // false while the reader may still stop early
    let failure: unknown;
    try {
      yield* this.readEvents({ target, input, signal, trace: child?.trace });
      ended = true;
    } catch (error) {
      [ended, failure] = [true, error];
      throw error;
    } finally {
      if (child) endChildSpan(child, ended ? failure : LEFT());
    }
  }

  private async *readEvents(call: ChildCall): AsyncGenerator<readonly LoggedEvent[]> {
    const { signal } = call;
    const requestId = await this.submit(call);
    const stopWatching = this.cancelOnAbort(requestId, signal);
    let ended = false;
    try {
      for await (const batch of readCursor(
        this.sources.eventLog,
        requestId,
        CURSOR_START(signal),
      )) {
        const terminal = batch.events.at(-1);
        ended = batch.ended;
        if (terminal?.type === 'error') {
          if (batch.events.length > 1) yield batch.events.slice(0, -1);
          throw errorFromEvent(terminal);
        }
        yield batch.events;
      }
      if (!ended) throw signal.aborted ? abortReason(signal) : GONE();
    } finally {
      stopWatching();
      if (!ended && !signal.aborted) void this.sources.dispatcher.cancel(requestId, LEFT());
    }
  }

  /** Checks and submits a child; resolves with its request id. */
  private async submit(call: ChildCall): Promise<string> {
    const { target, input, signal, trace } = call;
    signal.throwIfAborted();
    const app = this.sources.findApp(target.appId);
    const endpoint = app?.endpoints.get(target.path);
    if (!app || !endpoint) throw new SluiceError('not_found', 'No app is served at this path');
    this.refuseSelfWait(app);
    const parsed = await parseInput(endpoint.input, input);
    signal.throwIfAborted();
    const submission = {
      app,
      endpoint,
      input: parsed,
      sentInput: input,
      owner: this.parent.owner,
      cancelOnDisconnect: false,
      view: 'child' as const,
      ...(trace ? { trace } : {}),
    };
    const { record } = await this.sources.dispatcher.submit(submission);
    return record.requestId;
  }

  /** Cancels the child when `signal` aborts (at once if it has); returns the unsubscribe. */
  private cancelOnAbort(requestId: string, signal: AbortSignal): () => void {
    const cancel = () => void this.sources.dispatcher.cancel(requestId, abortReason(signal));
    signal.addEventListener('abort', cancel, { once: true });
    if (signal.aborted) cancel(); // aborted while the child was being submitted
    return () => signal.removeEventListener('abort', cancel);
  }

  /**
   * A parent holds one of its app's slots while it waits for its children; children of the
   * same app with a bounded capacity could wait for that slot forever.
   */
  private refuseSelfWait(app: App): void {
    if (app.id !== this.parent.appId || this.sources.capacityOf(app.id) === Infinity) return;
    throw new SluiceError(
      'app_error',
      'A child run (ctx.map, ctx.stream) onto its own app needs unbounded capacity (no maxConcurrency, inline): ' +
        'its children would wait for the slot their parent holds',
    );
  }
}

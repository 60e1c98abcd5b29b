import type { App } from '../app/define-app.js';
import { parseInput } from '../app/input-schema.js';
import type { EventLog } from '../events/event-log.js';
import { readTerminal } from '../events/read-terminal.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns, ChildTarget } from '../runtime/child-runs.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import type { RequestDispatch } from './request-dispatch.js';
import { beginChildTrace, endChildTrace, type RequestTrace } from './request-trace.js';
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
  readonly trace?: RequestTrace;
}

function abortReason(signal: AbortSignal): SluiceError {
  const reason: unknown = signal.reason;
  return reason instanceof SluiceError
    ? reason
    : new SluiceError('cancelled', 'The parent run was cancelled');
}

/**
 * The dispatcher's {@link ChildRuns}: each child is a request of the parent's owner,
 * submitted through the same queue and limits as any other, and awaited on its event log.
 * Aborting the signal cancels the child.
 *
 * @example
 * const output = await dispatcher.childRunsFor(owner).run({ appId: 'demo/echo', path: '' }, { text }, signal);
 */
export class DispatcherChildRuns implements ChildRuns {
  /** Every run holds one until it ends, so it keeps two references and no closures. */
  constructor(
    private readonly sources: ChildRunSources,
    private readonly parent: ChildRunsParent,
  ) {}

  async run(target: ChildTarget, input: unknown, signal: AbortSignal): Promise<unknown> {
    signal.throwIfAborted();
    const child = beginChildTrace(target.traceparent, {
      'sluice.app': target.appId,
      'sluice.endpoint': target.path || '/',
      'sluice.view': 'child',
    });
    if (!child) return this.runTraced({ target, input, signal });
    try {
      const output = await this.runTraced({ target, input, signal, trace: child.trace });
      endChildTrace(child, 'ok');
      return output;
    } catch (error) {
      endChildTrace(child, toTerminalError(error).code);
      throw error;
    }
  }

  private async runTraced(call: ChildCall): Promise<unknown> {
    const { target, input, signal, trace } = call;
    const app = this.sources.findApp(target.appId);
    const endpoint = app?.endpoints.get(target.path);
    if (!app || !endpoint) throw new SluiceError('not_found', 'No app is served at this path');
    this.refuseSelfWait(app);
    const parsed = await parseInput(endpoint.input, input);
    signal.throwIfAborted();
    const { dispatcher, eventLog } = this.sources;
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
    const { record } = await dispatcher.submit(submission);
    const cancel = () => void dispatcher.cancel(record.requestId, abortReason(signal));
    signal.addEventListener('abort', cancel, { once: true });
    if (signal.aborted) cancel(); // aborted while the child was being submitted
    try {
      const terminal = await readTerminal(eventLog, record.requestId, signal);
      if (!terminal) throw abortReason(signal);
      if (terminal.type === 'error') throw errorFromEvent(terminal);
      return JSON.parse(terminal.json) as unknown;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  /**
   * A parent holds one of its app's slots while it waits for its children; children of the
   * same app with a bounded capacity could wait for that slot forever.
   */
  private refuseSelfWait(app: App): void {
    if (app.id !== this.parent.appId || this.sources.capacityOf(app.id) === Infinity) return;
    throw new SluiceError(
      'app_error',
      'ctx.map onto its own app needs unbounded capacity (no maxConcurrency, inline): ' +
        'its children would wait for the slot their parent holds',
    );
  }
}

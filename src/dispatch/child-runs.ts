import type { App } from '../app/define-app.js';
import { parseInput } from '../app/input-schema.js';
import type { EventLog } from '../events/event-log.js';
import { readTerminal } from '../events/read-terminal.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildRuns, ChildTarget } from '../runtime/child-runs.js';
import type { Dispatcher } from './dispatcher.js';
import { errorFromEvent } from './terminal-outcome.js';

/** What child runs need from the gateway. */
export interface ChildRunsOptions {
  readonly dispatcher: Dispatcher;
  readonly eventLog: EventLog;
  readonly findApp: (appId: string) => App | undefined;
  /** The parent's owner: children belong to the same key. */
  readonly owner: string;
  /** The parent's app, whose slot the parent holds while its children run. */
  readonly parentAppId: string;
  readonly capacityOf: (appId: string) => number;
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
  constructor(private readonly options: ChildRunsOptions) {}

  readonly run = async (
    target: ChildTarget,
    input: unknown,
    signal: AbortSignal,
  ): Promise<unknown> => {
    signal.throwIfAborted();
    const app = this.options.findApp(target.appId);
    const endpoint = app?.endpoints.get(target.path);
    if (!app || !endpoint) throw new SluiceError('not_found', 'No app is served at this path');
    this.refuseSelfWait(app);
    const parsed = await parseInput(endpoint.input, input);
    signal.throwIfAborted();
    const { dispatcher, eventLog, owner } = this.options;
    const submission = {
      app,
      endpoint,
      input: parsed,
      owner,
      cancelOnDisconnect: false,
      view: 'child' as const,
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
  };

  /**
   * A parent holds one of its app's slots while it waits for its children; children of the
   * same app with a bounded capacity could wait for that slot forever.
   */
  private refuseSelfWait(app: App): void {
    const { parentAppId, capacityOf } = this.options;
    if (app.id !== parentAppId || capacityOf(app.id) === Infinity) return;
    throw new SluiceError(
      'app_error',
      'ctx.map onto its own app needs unbounded capacity (no maxConcurrency, inline): ' +
        'its children would wait for the slot their parent holds',
    );
  }
}

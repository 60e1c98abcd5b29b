import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { App, ServedEndpoint } from '../app/define-app.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/inline-runtime.js';
import { terminalErrorEvent, toTerminalError } from '../runtime/terminal-error.js';
import { AttachmentTracker } from './attachment-tracker.js';

/** What to run, and for whom. */
export interface Submission {
  readonly app: App;
  readonly endpoint: ServedEndpoint;
  /** Already validated. */
  readonly input: unknown;
  /** Fingerprint of the caller's key, or `'anonymous'`. */
  readonly owner: string;
  /** Cancel the run once its last client has been gone for the grace period (stream and sync views). */
  readonly cancelOnDisconnect: boolean;
}

/** What the dispatcher needs. */
export interface DispatcherOptions {
  readonly eventLog: EventLog;
  readonly runtime: Runtime;
  /** How long a run outlives its last client before it is cancelled (default 5 s). */
  readonly cancelGraceMs: number;
  readonly logger: Logger;
}

/**
 * Takes requests, hands them to the runtime and keeps each run's lifecycle: its abort
 * controller, its attached clients, and the grace timer that cancels a run whose clients
 * have all left. Every view (sync, stream, later queue and WebSocket) submits here.
 *
 * @example
 * const record = await dispatcher.submit({ app, endpoint, input, owner, cancelOnDisconnect: true });
 * const detach = dispatcher.attach(record.requestId);
 */
export class Dispatcher {
  private readonly controllers = new Map<string, AbortController>();
  private readonly attachments: AttachmentTracker;

  constructor(private readonly options: DispatcherOptions) {
    this.attachments = new AttachmentTracker(options.cancelGraceMs, (requestId) =>
      this.cancel(requestId, new SluiceError('cancelled', 'Every client of this request left')),
    );
  }

  /** Number of runs not yet finished. */
  get activeRuns(): number {
    return this.controllers.size;
  }

  async submit(submission: Submission): Promise<RequestRecord> {
    const record: RequestRecord = {
      requestId: randomUUID(),
      appId: submission.app.id,
      endpoint: submission.endpoint.path,
      owner: submission.owner,
      createdAt: Date.now(),
    };
    await this.options.eventLog.create(record);
    const controller = new AbortController();
    this.controllers.set(record.requestId, controller);
    if (submission.cancelOnDisconnect) this.attachments.watch(record.requestId);
    // Start on the next turn, so the caller writes its response head before any of the
    // run's synchronous work: a stream's `: open` goes out at once, however the app begins.
    setImmediate(() => void this.execute(record, submission, controller));
    return record;
  }

  /** Marks a client as attached to a request; call the returned function when it leaves. */
  attach(requestId: string): () => void {
    return this.attachments.attach(requestId);
  }

  /** Cancels a running request; false when it is not running here. */
  cancel(
    requestId: string,
    reason = new SluiceError('cancelled', 'The request was cancelled'),
  ): boolean {
    const controller = this.controllers.get(requestId);
    if (!controller) return false;
    controller.abort(reason);
    return true;
  }

  /** Cancels every run and waits for none: the terminal events follow at once. */
  cancelAll(reason: SluiceError): void {
    for (const requestId of this.controllers.keys()) this.cancel(requestId, reason);
  }

  private async execute(
    record: RequestRecord,
    submission: Submission,
    controller: AbortController,
  ): Promise<void> {
    const { eventLog, runtime, logger } = this.options;
    const { requestId } = record;
    const started = performance.now();
    const sink = (events: Parameters<EventLog['append']>[1]) => eventLog.append(requestId, events);
    try {
      const outcome = await runtime.execute({ ...submission, requestId, controller, sink });
      const fields = { requestId, app: record.appId, ms: Math.round(performance.now() - started) };
      if (outcome.ok) logger.info(fields, 'run completed');
      else if (outcome.error.code === 'cancelled')
        logger.info({ ...fields, code: 'cancelled' }, 'run cancelled');
      else
        logger.warn(
          { ...fields, code: outcome.error.code, err: outcome.error.cause ?? outcome.error },
          'run failed',
        );
    } catch (thrown) {
      const error = toTerminalError(thrown);
      logger.error({ requestId, err: thrown }, 'run could not execute');
      await eventLog
        .append(requestId, [terminalErrorEvent(error, requestId)])
        .catch(() => undefined);
    } finally {
      this.controllers.delete(requestId);
      this.attachments.forget(requestId);
    }
  }
}

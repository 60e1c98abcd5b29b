import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { App, ServedEndpoint } from '../app/define-app.js';
import type { QueueCaps } from '../app/event-writer.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import type { NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/inline-runtime.js';
import type { RunOutcome } from '../runtime/execute-run.js';
import { RunControl } from '../runtime/run-control.js';
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
  /** The event log's caps: a run may not queue more than its log may keep. */
  readonly caps: QueueCaps;
  readonly logger: Logger;
}

/**
 * Takes requests, hands them to the runtime and keeps each run's lifecycle: its control
 * (abort signal and scope), its attached clients, and the grace timer that cancels a run
 * whose clients have all left. Every view (sync, stream, later queue and WebSocket) submits
 * here. A request never stays live once its run is over, whatever happened to the run.
 *
 * @example
 * const record = await dispatcher.submit({ app, endpoint, input, owner, cancelOnDisconnect: true });
 * const detach = dispatcher.attach(record.requestId);
 */
export class Dispatcher {
  private readonly controls = new Map<string, RunControl>();
  private readonly attachments: AttachmentTracker;

  constructor(private readonly options: DispatcherOptions) {
    this.attachments = new AttachmentTracker(options.cancelGraceMs, (requestId) =>
      this.cancel(requestId, new SluiceError('cancelled', 'Every client of this request left')),
    );
  }

  /** Number of runs not yet finished. */
  get activeRuns(): number {
    return this.controls.size;
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
    const control = new RunControl(record.requestId);
    this.controls.set(record.requestId, control);
    if (submission.cancelOnDisconnect) this.attachments.watch(record.requestId);
    // Start on the next turn, so the caller writes its response head before any of the
    // run's synchronous work: a stream's `: open` goes out at once, however the app begins.
    setImmediate(() => void this.execute(record, submission, control));
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
    const control = this.controls.get(requestId);
    if (!control) return false;
    control.abort(reason);
    return true;
  }

  /** Cancels every run and waits for none: the terminal events follow at once. */
  cancelAll(reason: SluiceError): void {
    for (const requestId of this.controls.keys()) this.cancel(requestId, reason);
  }

  private async execute(
    record: RequestRecord,
    submission: Submission,
    control: RunControl,
  ): Promise<void> {
    const { eventLog, runtime } = this.options;
    const { requestId } = record;
    const started = performance.now();
    const sink = (events: readonly NewEvent[]) => eventLog.append(requestId, events);
    try {
      const { caps } = this.options;
      const outcome = await runtime.execute({ ...submission, requestId, control, sink, caps });
      this.logOutcome(record, outcome, performance.now() - started);
    } catch (thrown) {
      this.options.logger.error({ requestId, err: thrown }, 'run could not execute');
      await this.endIfLive(requestId, toTerminalError(thrown));
    }
    await this.endIfLive(requestId, new SluiceError('internal', 'The run ended without a result'));
    this.controls.delete(requestId);
    this.attachments.forget(requestId);
  }

  private logOutcome(record: RequestRecord, outcome: RunOutcome, elapsedMs: number): void {
    const { logger } = this.options;
    const fields = { requestId: record.requestId, app: record.appId, ms: Math.round(elapsedMs) };
    if (outcome.ok) return logger.info(fields, 'run completed');
    const { code, cause } = outcome.error;
    if (code === 'cancelled') return logger.info({ ...fields, code }, 'run cancelled');
    logger.warn({ ...fields, code, err: cause ?? outcome.error }, 'run failed');
  }

  /** Writes a terminal error unless the request's log has already ended. */
  private async endIfLive(requestId: string, error: SluiceError): Promise<void> {
    const { eventLog, logger } = this.options;
    try {
      const lookup = await eventLog.lookup(requestId);
      if (lookup.state !== 'live') return;
      logger.error({ requestId, code: error.code }, 'ending a request its run left live');
      await eventLog.append(requestId, [terminalErrorEvent(error, requestId)]);
    } catch (failure) {
      logger.error({ requestId, err: failure }, 'could not end the request');
    }
  }
}

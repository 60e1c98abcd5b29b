import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { parseInput } from '../app/input-schema.js';
import { endIfLive } from '../dispatch/end-request.js';
import type { RequestAftermath } from '../dispatch/request-aftermath.js';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import type { QueueEntry, QueuedRequest } from '../dispatch/request-queue.js';
import type { Submission, TrackedRequest } from '../dispatch/tracked-request.js';
import { toAsciiJson } from '../events/ascii-json.js';
import type { AppendResult, EventLog, RequestRecord } from '../events/event-log.js';
import { isTerminal, type NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/runtime.js';
import type { RunControl } from '../runtime/run-control.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import { endRemotely } from './remote-endings.js';
import type { RunStates } from './run-states.js';

/** What every run of a worker shares. */
export interface RemoteRunParts {
  readonly runtime: Runtime;
  readonly eventLog: EventLog;
  readonly states: RunStates;
  readonly dispatch: Pick<RequestDispatch, 'childRunsFor'>;
  readonly logger: Logger;
  /** Delivers webhooks of the runs this worker ends. */
  readonly aftermath: RequestAftermath;
  readonly findApp: (appId: string) => App | undefined;
}

/** One taken request. */
export interface TakenRequest {
  readonly entry: QueueEntry;
  readonly app: App;
  readonly control: RunControl;
}

const REFUSED: AppendResult = { accepted: false, reason: 'ended' };

function retryNotice(attempt: number, retries: number): NewEvent {
  const message = `The worker running this request was lost; starting again (attempt ${attempt} of ${retries + 1})`;
  return {
    type: 'log',
    json: toAsciiJson({ level: 'warn', message, timestamp: new Date().toISOString() }),
  };
}

/**
 * One request on a worker, from the queue to its terminal event: a request that already
 * ended is skipped; the start timeout (first attempt only), a cancel that came first, the
 * input parsed with the app's own schema, the run, and its webhook, sent only by the
 * process whose terminal event the log accepted. A run whose lock was lost (`fence`) is
 * stopped and writes nothing more: the request belongs to whoever found it lost.
 *
 * @example
 * await new RemoteRun(parts, { entry, app, control }).execute();
 */
export class RemoteRun {
  private readonly record: RequestRecord;
  private readonly request: QueuedRequest;
  private fenced = false;
  /** This run's attempt: its appends' epoch, so an older attempt's are refused. */
  private attempt = 0;
  private wroteTerminal = false;
  private markedEnded = false;

  constructor(
    private readonly parts: RemoteRunParts,
    private readonly taken: TakenRequest,
  ) {
    const { entry } = taken;
    if (!entry.request) throw new TypeError(`Queue entry ${entry.requestId} carries no request`);
    this.request = entry.request;
    this.record = {
      requestId: entry.requestId,
      appId: entry.appId,
      endpoint: entry.endpoint,
      owner: entry.request.owner,
      createdAt: entry.enqueuedAt,
    };
  }

  /** The worker lost this run's lock: stop it, and let it write nothing more. */
  fence(): void {
    this.fenced = true;
    this.taken.control.abort(new SluiceError('worker_lost', 'This worker lost the request'));
  }

  async execute(): Promise<void> {
    const { requestId } = this.record;
    let tracked: TrackedRequest | undefined;
    try {
      if ((await this.parts.eventLog.lookup(requestId)).state !== 'live') return; // ended elsewhere
      if (await this.missedStart()) return;
      tracked = await this.start();
      await this.run(tracked);
    } catch (thrown) {
      await this.end(toTerminalError(thrown));
    }
    // A run fenced after its terminal event landed still owns its ending and webhook.
    if (this.fenced && !this.wroteTerminal) return;
    await this.end(new SluiceError('internal', 'The run ended without a result'));
    await this.markEnded();
    if (!tracked || !this.wroteTerminal) return;
    tracked.state = 'ended';
    tracked.endedAt = Date.now();
    await this.parts.aftermath.record(tracked);
  }

  /** Ends the request with `timeout` if its first start comes after its deadline. */
  private async missedStart(): Promise<boolean> {
    const { startDeadline } = this.request;
    if (startDeadline === undefined || Date.now() <= startDeadline) return false;
    if ((await this.parts.states.attempts(this.record.requestId)) > 0) return false; // a retry
    const seconds = (startDeadline - this.record.createdAt) / 1000;
    const error = new SluiceError('timeout', `The request did not start within ${seconds} s`);
    await endRemotely(this.parts, { record: this.record, error, startTimedOut: true });
    return true;
  }

  private async start(): Promise<TrackedRequest> {
    const { entry, app, control } = this.taken;
    const { attempt, cancel } = await this.parts.states.started(entry.requestId);
    this.attempt = attempt;
    if (cancel) control.abort(cancel);
    const endpoint = app.endpoints.get(entry.endpoint)!;
    if (attempt > 1) await this.append([retryNotice(attempt, endpoint.retries)]);
    const { input, ...rest } = this.request;
    const submission: Submission = { app, endpoint, input, ...rest };
    return { record: this.record, submission, state: 'running', startedAt: Date.now() };
  }

  private async run(tracked: TrackedRequest): Promise<void> {
    const { runtime, eventLog, dispatch } = this.parts;
    const { control } = this.taken;
    const input = await parseInput(tracked.submission.endpoint.input, tracked.submission.input);
    control.signal.throwIfAborted();
    await runtime.execute({
      ...tracked.submission,
      input,
      requestId: this.record.requestId,
      control,
      sink: (events) => this.append(events),
      caps: eventLog.limits,
      childRuns: dispatch.childRunsFor(this.record),
    });
  }

  /**
   * Marks the request ended in its state, once, before its terminal event is written: a
   * client that reads the terminal event then finds the end time (`inference_time`).
   */
  private async markEnded(): Promise<void> {
    if (this.markedEnded) return;
    this.markedEnded = true;
    const { requestId } = this.record;
    const { states } = this.parts;
    // An attempt a retry has replaced must not end the retry's state; its append is refused.
    if (this.attempt > 0 && (await states.attempts(requestId)) > this.attempt) return;
    await states.ended(requestId).catch((error: unknown) => {
      this.parts.logger.error({ requestId, err: error }, 'could not mark the request ended');
    });
  }

  private async append(events: readonly NewEvent[]): Promise<AppendResult> {
    if (this.fenced) return REFUSED;
    if (events.some((event) => isTerminal(event.type))) await this.markEnded();
    const epoch = { epoch: this.attempt };
    const result = await this.parts.eventLog.append(this.record.requestId, events, epoch);
    if (result.accepted && events.some((event) => isTerminal(event.type)))
      this.wroteTerminal = true;
    return result;
  }

  private async end(error: SluiceError): Promise<void> {
    if (this.fenced) return;
    const { eventLog, logger } = this.parts;
    const { requestId } = this.record;
    await this.markEnded(); // before the terminal event: its readers then find the end time
    const epoch = this.attempt;
    const wrote = await endIfLive({ eventLog, logger, requestId, error, unexpected: false, epoch });
    if (wrote) this.wroteTerminal = true;
  }
}

import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { parseInput } from '../app/input-schema.js';
import { endIfLive } from '../dispatch/end-request.js';
import type { RequestAftermath } from '../dispatch/request-aftermath.js';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import { RequestLifecycle, startTimeoutError } from '../dispatch/request-lifecycle.js';
import type { QueueEntry, QueuedRequest } from '../dispatch/request-queue.js';
import { runToEnd } from '../dispatch/run-to-end.js';
import { runtimeJob } from '../dispatch/runtime-job.js';
import { outcomeOf } from '../dispatch/terminal-outcome.js';
import { toAsciiJson } from '../events/ascii-json.js';
import type { AppendResult, EventLog } from '../events/event-log.js';
import { isTerminal, type LoggedEvent, type NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DispatchObserver } from '../dispatch/dispatch-observer.js';
import { observed } from '../dispatch/tracked-request.js';
import { requestTracer } from '../dispatch/request-trace.js';
import type { RunControl } from '../runtime/run-control.js';
import type { RunOutcome } from '../runtime/execute-run.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import { endRemotely } from './remote-endings.js';
import type { RunStates, StartFacts } from './run-states.js';

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
  /** Sees the run start and write its first event (the aftermath sees it end). */
  readonly observer?: DispatchObserver;
}

/** One taken request. */
export interface TakenRequest {
  readonly entry: QueueEntry;
  readonly app: App;
  readonly control: RunControl;
}

const REFUSED: AppendResult = { accepted: false, reason: 'ended' };
const SKIPPED = Symbol('skipped');
const ENDED = Symbol('ended');

/** The `log` event that starts a retried request's next attempt: the chat view reads its `attempt`. */
export function retryNotice(attempt: number, retries: number): NewEvent {
  const message = `The worker running this request was lost; starting again (attempt ${attempt} of ${retries + 1})`;
  return {
    type: 'log',
    json: toAsciiJson({ level: 'warn', message, timestamp: new Date().toISOString(), attempt }),
  };
}

/** The start's facts; none means the state says the request ended. */
function startedOrLost(facts: StartFacts | undefined): StartFacts {
  if (facts) return facts;
  throw new SluiceError('worker_lost', 'The process that was ending this request was lost');
}

/**
 * One request on a worker, from the queue to its terminal event: a request that already
 * ended is skipped; the start timeout (first attempt only), a cancel that came first, the
 * input parsed with the app's own schema, the run, and its webhook, sent only by the
 * process whose terminal event the log accepted. A run whose lock was lost (`fence`) is
 * stopped and writes nothing more: the request belongs to whoever found it lost. The
 * request's life is a {@link RequestLifecycle}, as on every backend.
 *
 * @example
 * await new RemoteRun(parts, { entry, app, control }).execute();
 */
export class RemoteRun {
  private readonly request: QueuedRequest;
  private readonly lifecycle: RequestLifecycle;
  private fenced = false;
  /** The terminal event this run wrote, once the log kept it: the ending is then its own. */
  private terminal: LoggedEvent | undefined;
  private markedEnded = false;
  private sawEvent = false;

  constructor(
    private readonly parts: RemoteRunParts,
    private readonly taken: TakenRequest,
  ) {
    const { entry, app } = taken;
    if (!entry.request) throw new TypeError(`Queue entry ${entry.requestId} carries no request`);
    this.request = entry.request;
    const record = {
      requestId: entry.requestId,
      appId: entry.appId,
      endpoint: entry.endpoint,
      owner: entry.request.owner,
      createdAt: entry.enqueuedAt,
    };
    const { input, traceparent, ...rest } = entry.request;
    const endpoint = app.endpoints.get(entry.endpoint)!;
    const trace = traceparent && requestTracer() ? { traceparent } : undefined;
    this.lifecycle = new RequestLifecycle(record, { app, endpoint, input, ...rest, trace });
  }

  /** The worker lost this run's lock: stop it, and let it write nothing more. */
  fence(): void {
    this.fenced = true;
    this.taken.control.abort(new SluiceError('worker_lost', 'This worker lost the request'));
  }

  async execute(): Promise<void> {
    const input = await this.prepare();
    if (input === SKIPPED) return;
    if (input !== ENDED) {
      const { requestId } = this.lifecycle.record;
      const { logger } = this.parts;
      const end = (error: SluiceError, unexpected: boolean) => this.end(error, unexpected);
      const { appId: app, endpoint } = this.lifecycle.record;
      const execute = () => this.run(input.parsed);
      await runToEnd({ requestId, logger, app, endpoint, execute, end });
    }
    await this.finish();
  }

  /**
   * Everything before the run: `SKIPPED` when the request is not this run's to end (it
   * ended elsewhere, or missed its start), `ENDED` when it ended before its run (a cancel
   * that came first, an input its schema refuses), else the parsed input.
   */
  private async prepare(): Promise<typeof SKIPPED | typeof ENDED | { parsed: unknown }> {
    try {
      const facts = await this.startIfLive();
      if (facts === undefined) return SKIPPED;
      await this.start(facts);
      const { endpoint } = this.lifecycle.submission;
      const parsed = await parseInput(endpoint.input, this.lifecycle.submission.input);
      if (this.taken.control.reason) throw this.taken.control.reason;
      return { parsed };
    } catch (thrown) {
      await this.end(toTerminalError(thrown), false);
      return ENDED;
    }
  }

  /** After the terminal event: the state marked ended, then outcome and webhook, by the writer only. */
  private async finish(): Promise<void> {
    // A run fenced after its terminal event landed still owns its ending and webhook.
    if (this.fenced && !this.terminal) return;
    await this.markEnded();
    this.lifecycle.end();
    if (this.terminal) this.parts.aftermath.recordEnded(this.lifecycle, this.terminal);
  }

  /**
   * Marks the request started unless it is not this run's (it ended, or it missed its
   * start deadline: then it is ended here). With no deadline passed, the look at its log
   * and the start go to Redis together: one round trip. Throws `worker_lost` for a live
   * log whose state says it ended: whoever was ending it is gone, and it ends here.
   */
  private async startIfLive(): Promise<StartFacts | undefined> {
    const { eventLog, states } = this.parts;
    const { requestId } = this.lifecycle.record;
    const lookup = eventLog.lookup(requestId);
    const { startDeadline } = this.request;
    if (startDeadline !== undefined && Date.now() > startDeadline) {
      if ((await lookup).state !== 'live' || (await this.missedStart(startDeadline))) return;
      return startedOrLost(await states.started(requestId));
    }
    const [found, facts] = await Promise.all([lookup, states.started(requestId)]);
    return found.state === 'live' ? startedOrLost(facts) : undefined;
  }

  /** Ends the request with `timeout` past its start deadline, unless this is a retry. */
  private async missedStart(startDeadline: number): Promise<boolean> {
    const { record } = this.lifecycle;
    if ((await this.parts.states.attempts(record.requestId)) > 0) return false; // a retry
    const error = startTimeoutError((startDeadline - record.createdAt) / 1000);
    this.lifecycle.timeOut();
    this.lifecycle.end();
    await endRemotely(this.parts, { record, error, startTimedOut: true, tracked: this.lifecycle });
    return true;
  }

  private async start({ attempt, cancel }: StartFacts): Promise<void> {
    const { entry, app, control } = this.taken;
    this.lifecycle.start({ attempt, control });
    const waited = (Date.now() - this.lifecycle.record.createdAt) / 1000;
    this.parts.observer?.started(observed(this.lifecycle), waited);
    if (cancel) control.abort(cancel);
    const endpoint = app.endpoints.get(entry.endpoint)!;
    if (attempt > 1) await this.append([retryNotice(attempt, endpoint.retries)]);
  }

  /**
   * Executes the run; a run fenced meanwhile fails quietly (it is another process's now).
   * Not an async function: the run holds what this returns for as long as it lasts.
   */
  private run(input: unknown): Promise<RunOutcome | undefined> {
    const { runtime, eventLog, dispatch, observer } = this.parts;
    const { record, submission } = this.lifecycle;
    const parts = {
      requestId: record.requestId,
      control: this.taken.control,
      sink: (events: readonly NewEvent[]) => this.append(events),
      caps: eventLog.limits,
      childRuns: dispatch.childRunsFor(record),
      traceparent: observer?.runTraceparent?.(record.requestId),
    };
    const execution = runtime.execute(runtimeJob(submission, parts, input));
    return execution.then(
      (outcome) => {
        if (outcome.facts) observer?.measured?.(observed(this.lifecycle), outcome.facts);
        return outcome;
      },
      (thrown: unknown) => {
        if (!this.fenced) throw thrown;
        return undefined;
      },
    );
  }

  /**
   * Marks the request ended in its state, once, before its terminal event is written: a
   * client that reads the terminal event then finds the end time (`inference_time`).
   */
  private async markEnded(outcome?: string): Promise<void> {
    if (this.markedEnded) return;
    this.markedEnded = true;
    const { requestId } = this.lifecycle.record;
    const { attempt } = this.lifecycle;
    const { states } = this.parts;
    // An attempt a retry has replaced must not end the retry's state; its append is refused.
    const marked = states.ended(requestId, { attempt: attempt > 0 ? attempt : undefined, outcome });
    await marked.catch((error: unknown) => {
      this.parts.logger.error({ requestId, err: error }, 'could not mark the request ended');
    });
  }

  private async append(events: readonly NewEvent[]): Promise<AppendResult> {
    if (this.fenced) return REFUSED;
    if (!this.sawEvent) {
      this.sawEvent = true;
      const seconds = (Date.now() - this.lifecycle.record.createdAt) / 1000;
      this.parts.observer?.firstEvent(observed(this.lifecycle), seconds);
    }
    const terminalAt = events.findIndex((event) => isTerminal(event.type));
    if (terminalAt >= 0) await this.markEnded(outcomeOf(events[terminalAt]));
    const epoch = { epoch: this.lifecycle.attempt };
    const result = await this.parts.eventLog.append(this.lifecycle.record.requestId, events, epoch);
    if (result.accepted && terminalAt >= 0) {
      const seq = result.lastSeq - (events.length - 1 - terminalAt); // one seq per event
      this.accepted({ ...events[terminalAt]!, seq });
    }
    return result;
  }

  private async end(error: SluiceError, unexpected: boolean): Promise<void> {
    // Fenced, it is not this run's to end; its terminal event kept, it has ended: no look needed.
    if (this.fenced || this.terminal) return;
    const { eventLog, logger } = this.parts;
    const { requestId } = this.lifecycle.record;
    await this.markEnded(error.code); // before the terminal event: its readers then find the end time
    const epoch = this.lifecycle.attempt;
    const written = await endIfLive({ eventLog, logger, requestId, error, unexpected, epoch });
    if (written) this.accepted(written);
  }

  /** This run's terminal event is the one the log kept: the ending and webhook are its own. */
  private accepted(terminal: LoggedEvent): void {
    this.terminal = terminal;
    this.lifecycle.markEnding();
  }
}

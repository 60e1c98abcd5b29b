import type { RequestRecord } from '../events/event-log.js';
import type { NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { RunControl } from '../runtime/run-control.js';
import type { DispatchState, Submission, TrackedRequest } from './tracked-request.js';

/** How a request started. */
export interface RunStart {
  /** The run's control, when the run executes in this process. */
  readonly control?: RunControl;
  /** 1 for the first start, 2 for the first retry after a lost worker… (default 1). */
  readonly attempt?: number;
}

/**
 * The error of a request that did not start within its start timeout.
 *
 * @example
 * startTimeoutError(30).message; // 'The request did not start within 30 s'
 */
export function startTimeoutError(seconds: number): SluiceError {
  return new SluiceError('timeout', `The request did not start within ${seconds} s`);
}

/**
 * One request's life, `queued → running → ended` (or `queued → ended` when it never
 * starts), as every backend keeps it: the memory dispatcher, the Redis dispatcher for the
 * requests its gateway took, and a Redis worker for the run it holds. Each transition is
 * guarded: one that does not apply to the request's state is a no-op that answers
 * `false`, so a late timer, a duplicate change or a second ending cannot undo a later
 * state. Its fields change only here; everyone else reads them.
 *
 * @example
 * const request = new RequestLifecycle(record, submission);
 * request.armStartTimeout((error) => void timeOut(request, error));
 * request.start({ control });
 * request.end(); // the input is dropped, the end time stamped
 */
export class RequestLifecycle implements TrackedRequest {
  private current: DispatchState = 'queued';
  private given: Submission;
  private started: number | undefined;
  private ended: number | undefined;
  private timedOut = false;
  private runControl: RunControl | undefined;
  private attempts = 0;
  private heldCancel: SluiceError | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private writtenTerminal: NewEvent | undefined;

  constructor(
    readonly record: RequestRecord,
    submission: Submission,
  ) {
    this.given = submission;
  }

  get state(): DispatchState {
    return this.current;
  }

  get submission(): Submission {
    return this.given;
  }

  get startedAt(): number | undefined {
    return this.started;
  }

  get endedAt(): number | undefined {
    return this.ended;
  }

  get startTimedOut(): boolean {
    return this.timedOut;
  }

  get control(): RunControl | undefined {
    return this.runControl;
  }

  get attempt(): number {
    return this.attempts;
  }

  /**
   * Calls `onTimeout` with a `timeout` error once the submission's start timeout has
   * passed with the request still queued. Nothing to arm when it has no start timeout,
   * or has already started or ended.
   */
  armStartTimeout(onTimeout: (error: SluiceError) => void): void {
    const seconds = this.given.startTimeoutSeconds;
    if (seconds === undefined || this.current !== 'queued' || this.startTimer) return;
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      if (this.current === 'queued') onTimeout(startTimeoutError(seconds));
    }, seconds * 1000);
    this.startTimer.unref();
  }

  /** Stops the start timer (shutdown: the request is left to another process). */
  disarm(): void {
    clearTimeout(this.startTimer);
    this.startTimer = undefined;
  }

  /** `queued → running`; a cancel held meanwhile aborts the new control at once. */
  start(run: RunStart = {}): boolean {
    if (this.current !== 'queued') return false;
    this.disarm();
    this.current = 'running';
    this.started = Date.now();
    this.attempts = run.attempt ?? 1;
    this.runControl = run.control;
    if (this.heldCancel) run.control?.abort(this.heldCancel);
    return true;
  }

  /**
   * Asks a request to stop: a running one has its control aborted, a queued one (taken
   * from the queue, about to start) keeps the reason for its start. `false` once ended.
   */
  cancel(reason: SluiceError): boolean {
    if (this.current === 'ended') return false;
    if (this.current === 'queued') this.heldCancel = reason;
    this.runControl?.abort(reason);
    return true;
  }

  /**
   * Marks a queued request as ended by its start timeout, before its terminal event is
   * written (a client reading that event then asks how it ended). Call it only once the
   * request is out of the queue for good.
   */
  timeOut(): boolean {
    if (this.current !== 'queued') return false;
    this.timedOut = true;
    return true;
  }

  /** Its terminal event is being written: the request's end time is now (kept if set). */
  markEnding(): void {
    this.ended ??= Date.now();
  }

  /** Its run's terminal event, which the log accepted: kept until {@link takeTerminal}. */
  noteTerminal(terminal: NewEvent): void {
    this.writtenTerminal = terminal;
  }

  /** Its run wrote its terminal event through this process, and the log accepted it. */
  get terminalWritten(): boolean {
    return this.writtenTerminal !== undefined;
  }

  /**
   * The terminal event its run wrote through this process, if it did, and no longer kept:
   * what ended it, without reading the log again (an ended request is retained long, and
   * its log may be dropped before it).
   */
  takeTerminal(): NewEvent | undefined {
    const terminal = this.writtenTerminal;
    this.writtenTerminal = undefined;
    return terminal;
  }

  /**
   * Lets go of the input while the request lives on, once another holds it: a request handed
   * to a shared queue is run from the queue's copy, by whichever worker takes it, and may wait
   * there long (a gateway's queued requests would otherwise keep every input in its memory).
   */
  forgetInput(): void {
    this.given = withoutInput(this.given);
  }

  /**
   * `queued | running → ended`: stops the start timer, stamps the end, and lets go of what
   * an ended request no longer needs (its input, its run's control) while it is retained.
   */
  end(): boolean {
    if (this.current === 'ended') return false;
    this.disarm();
    this.current = 'ended';
    this.markEnding();
    this.given = withoutInput(this.given);
    this.heldCancel = undefined;
    this.runControl = undefined;
    return true;
  }
}

/**
 * A submission without its input, every field named: a spread of submissions of several
 * shapes takes V8's generic copy, once per request.
 */
function withoutInput(submission: Submission): Submission {
  return {
    app: submission.app,
    endpoint: submission.endpoint,
    input: undefined,
    sentInput: undefined,
    owner: submission.owner,
    cancelOnDisconnect: submission.cancelOnDisconnect,
    view: submission.view,
    priority: submission.priority,
    startTimeoutSeconds: submission.startTimeoutSeconds,
    runTimeoutSeconds: submission.runTimeoutSeconds,
    webhookUrl: submission.webhookUrl,
    requestId: submission.requestId,
    bypassCache: submission.bypassCache,
    trace: submission.trace,
  };
}

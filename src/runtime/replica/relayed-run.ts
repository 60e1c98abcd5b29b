import type { AppendResult } from '../../events/event-log.js';
import { isTerminal, type NewEvent } from '../../events/event-types.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { RunFacts, RunOutcome } from '../execute-run.js';
import type { RuntimeJob } from '../runtime.js';
import { terminalErrorEvent } from '../terminal-error.js';
import { runDeadlineSeconds } from '../run-deadline.js';
import { CancelWatch } from './cancel-watch.js';
import { RUN_FINISHED } from '../run-control.js';
import { fromWireError, toWireError, type WireError } from './replica-protocol.js';

/** What a {@link RelayedRun} needs from the replica that executes it. */
export interface RelayedRunOptions {
  readonly job: RuntimeJob;
  readonly worldSize: number;
  /** How long the run's code may go on, once a rank has taken the cancel, before its replica is killed. */
  readonly cancelDeadlineMs: number;
  /** When the parent last received anything from `rank` (`performance.now()`). */
  readonly lastHeard: (rank: number) => number;
  /** Sends the abort into every rank. */
  readonly cancelRanks: (error: WireError) => void;
  /** The code outlived the cancel deadline, or a rank stopped answering: kill the replica. */
  readonly overran: (reason: string) => void;
  /** Every rank's code has returned: the run's slot is free. */
  readonly released: () => void;
}

const ENDED: AppendResult = { accepted: false, reason: 'ended' };
/** Where every run's chain of appends starts: one settled promise, shared. */
const NOTHING_BEFORE: Promise<unknown> = Promise.resolve();

/**
 * The parent's side of one run in a replica: appends rank 0's events to the event log in
 * order, writes the terminal event itself when the run is cancelled or its replica dies
 * (so a hung or dead replica never leaves a request live), and holds the run's slot until
 * every rank's code has returned, killing the replica if that outlasts the cancel deadline
 * (counted from when each rank took the cancel: see {@link CancelWatch}).
 *
 * @example
 * const run = new RelayedRun({ job, worldSize: 1, cancelDeadlineMs: 5000, lastHeard, cancelRanks, overran, released });
 * const outcome = await run.outcome;
 */
export class RelayedRun {
  readonly outcome: Promise<RunOutcome>;
  private resolveOutcome: (outcome: RunOutcome) => void = () => undefined;
  private chain: Promise<unknown> = NOTHING_BEFORE;
  private ended = false;
  private released = false;
  private settledRanks: Set<number> | undefined;
  private cancelled = false;
  private readonly watch: CancelWatch;
  private timeout: NodeJS.Timeout | undefined;
  private stopListening: () => void = () => undefined;

  constructor(private readonly options: RelayedRunOptions) {
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
    this.watch = new CancelWatch({
      worldSize: options.worldSize,
      deadlineMs: options.cancelDeadlineMs,
      lastHeard: options.lastHeard,
      overran: options.overran,
    });
    const { control } = options.job;
    if (control.aborted) queueMicrotask(this.onAbort);
    else this.stopListening = control.onAbort(this.onAbort);
    this.startTimeout();
  }

  get job(): RuntimeJob {
    return this.options.job;
  }

  /** Appends a batch of rank 0's events, after the ones before it. */
  append(events: readonly NewEvent[]): Promise<AppendResult> {
    if (this.ended) return Promise.resolve(ENDED);
    if (events.some((event) => isTerminal(event.type))) this.ended = true;
    const appended = this.chain.then(() => this.options.job.sink(events));
    this.chain = appended.catch(() => undefined);
    return appended;
  }

  /** A rank's `executeRun` returned; rank 0's terminal event is in the log by then. */
  rankFinished(rank: number, error: WireError | undefined, facts?: RunFacts): void {
    if (rank === 0) {
      this.ended = true;
      this.settle(error ? { ok: false, error: fromWireError(error), facts } : { ok: true, facts });
    } else if (error && error.code !== 'cancelled') {
      void this.end(fromWireError(error));
    }
  }

  /** A rank took the cancel: its code's deadline starts now. */
  cancelSeen(rank: number): void {
    this.watch.seen(rank);
  }

  /** A rank's code returned. */
  rankSettled(rank: number): void {
    const settledRanks = (this.settledRanks ??= new Set());
    settledRanks.add(rank);
    this.watch.settled(rank);
    if (settledRanks.size < this.options.worldSize || this.released) return;
    this.released = true;
    this.watch.stop();
    this.options.released();
  }

  /** The replica died: the run ends with `error` unless it already has. */
  lose(error: SluiceError): void {
    this.released = true;
    this.watch.stop();
    void this.end(error);
  }

  /** The app's timeout, kept here too: a replica whose event loop is blocked cannot keep it. */
  private startTimeout(): void {
    const { app, runTimeoutSeconds } = this.options.job;
    const seconds = runDeadlineSeconds(app.timeoutSeconds, runTimeoutSeconds);
    if (seconds === undefined) return;
    const error = new SluiceError('timeout', `The run did not finish within ${seconds} s`);
    this.timeout = setTimeout(() => void this.end(error), seconds * 1000);
  }

  private readonly onAbort = (): void => {
    const { reason } = this.options.job.control;
    void this.end(reason ?? new SluiceError('cancelled', 'The request was cancelled'));
  };

  /** Ends the run from the parent: writes its terminal event unless one is already in. */
  private async end(error: SluiceError): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      const terminal = terminalErrorEvent(error, this.options.job.requestId);
      const written = this.chain.then(() => this.options.job.sink([terminal]));
      this.chain = written.catch(() => undefined);
      await this.chain;
    }
    this.settle({ ok: false, error });
  }

  /** Resolves the outcome once, stops the ranks' code and starts watching the cancel. */
  private settle(outcome: RunOutcome): void {
    const { job, cancelRanks } = this.options;
    this.stopListening();
    clearTimeout(this.timeout);
    this.resolveOutcome(outcome);
    this.resolveOutcome = () => undefined;
    job.control.abort(RUN_FINISHED);
    if (this.released || this.cancelled) return;
    this.cancelled = true;
    cancelRanks(toWireError(outcome.ok ? RUN_FINISHED : outcome.error));
    this.watch.start();
  }
}

/** How long a rank may say nothing at all after a cancel, in cancel deadlines. */
export const SILENCE_DEADLINES = 4;

/** What a {@link CancelWatch} needs from the replica whose run it watches. */
export interface CancelWatchOptions {
  readonly worldSize: number;
  /** How long a rank's code may go on once the rank has taken the cancel. */
  readonly deadlineMs: number;
  /** When the parent last received anything at all from `rank` (`performance.now()`). */
  readonly lastHeard: (rank: number) => number;
  /** A rank outlived its deadline, or said nothing for too long: the replica is killed. */
  readonly overran: (reason: string) => void;
}

type RankState = 'sent' | 'seen' | 'settled';

/**
 * The parent's watch over a run it has cancelled in a replica. The cancel deadline of a
 * rank starts when the rank says it has taken the cancel (`seen`), not when the parent sent
 * it, so a replica that is merely starved (its event loop busy with other runs, or its
 * messages queued behind a backlog of events on the link) is not killed for being slow to
 * hear. A rank that has not taken the cancel is alive as long as anything arrives from it;
 * one that says nothing at all for {@link SILENCE_DEADLINES} deadlines has a blocked event
 * loop and is killed. Every verdict waits one turn, so a message already in the pipe is
 * read before the replica is judged.
 *
 * @example
 * const watch = new CancelWatch({ worldSize: 1, deadlineMs: 5000, lastHeard, overran });
 * watch.start(); // the cancel has just been sent
 * watch.seen(0); // the rank took it: its code has 5 s to return
 * watch.settled(0); // it did
 */
export class CancelWatch {
  private readonly ranks: RankState[];
  /** Each rank's pending judgement; made at the first (most runs are never cancelled). */
  private timers: Map<number, NodeJS.Timeout> | undefined;
  private sentAt = 0;
  private started = false;
  private stopped = false;

  constructor(private readonly options: CancelWatchOptions) {
    this.ranks = Array.from({ length: options.worldSize }, () => 'sent');
  }

  /** The cancel has been sent to every rank whose code has not returned. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.sentAt = performance.now();
    for (let rank = 0; rank < this.ranks.length; rank++) {
      if (this.ranks[rank] === 'sent') this.listen(rank, this.silenceMs);
    }
  }

  /** `rank` took the cancel: its code has the deadline from now. */
  seen(rank: number): void {
    if (!this.started || this.ranks[rank] !== 'sent') return;
    this.ranks[rank] = 'seen';
    this.arm(rank, this.options.deadlineMs, () => this.judgeDeadline(rank));
  }

  /** `rank`'s code has returned. */
  settled(rank: number): void {
    this.ranks[rank] = 'settled';
    this.clear(rank);
  }

  /** The run is released or its replica is gone: nothing more to judge. */
  stop(): void {
    this.stopped = true;
    for (const rank of this.timers?.keys() ?? []) this.clear(rank);
  }

  private get silenceMs(): number {
    return SILENCE_DEADLINES * this.options.deadlineMs;
  }

  private listen(rank: number, afterMs: number): void {
    this.arm(rank, afterMs, () => this.judgeSilence(rank));
  }

  private judgeSilence(rank: number): void {
    if (this.ranks[rank] !== 'sent') return;
    const heard = Math.max(this.sentAt, this.options.lastHeard(rank));
    const silentFor = performance.now() - heard;
    if (silentFor < this.silenceMs) return this.listen(rank, this.silenceMs - silentFor);
    const { deadlineMs } = this.options;
    this.options.overran(
      `rank ${rank} said nothing for ${Math.round(silentFor)} ms after a cancel: its event loop is blocked (the cancel deadline of ${deadlineMs} ms counts from when a rank takes the cancel)`,
    );
  }

  private judgeDeadline(rank: number): void {
    if (this.ranks[rank] !== 'seen') return;
    this.options.overran(`a run went on past its cancel deadline of ${this.options.deadlineMs} ms`);
  }

  /** Judges after `afterMs`, and one turn later, once what has arrived meanwhile is read. */
  private arm(rank: number, afterMs: number, judge: () => void): void {
    this.clear(rank);
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (this.timers?.get(rank) === timer && !this.stopped) {
          this.timers.delete(rank);
          judge();
        }
      });
    }, afterMs);
    (this.timers ??= new Map()).set(rank, timer);
  }

  private clear(rank: number): void {
    clearTimeout(this.timers?.get(rank));
    this.timers?.delete(rank);
  }
}

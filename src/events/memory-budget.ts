/**
 * What the budget counts for one event held in memory, beyond its JSON: measured, an event
 * costs its JSON plus about 80 bytes of heap (its object, the string's header, an array
 * slot); 96 leaves room for arrays' spare capacity.
 */
export const BUDGET_BYTES_PER_EVENT = 96;

/** Share of the budget past which ended logs are dropped, oldest first. */
const DEFAULT_DROP_AT_RATIO = 0.9;

/**
 * Share of the budget past which even live logs and buffers may not grow: the last line
 * before the heap itself, for when more runs pour out events at once than the budget
 * holds. Their appends are refused as if their own caps were reached.
 */
const DEFAULT_CEILING_RATIO = 1.25;

/**
 * How long an ended log is kept whatever the budget: its attached clients (a stream, a sync
 * call) read the terminal event within milliseconds, and a queue client polling its status
 * still finds the result.
 */
export const DEFAULT_DROP_GRACE_MS = 2_000;

/** Options of a {@link MemoryBudget}. */
export interface MemoryBudgetOptions {
  /** The bytes the budget allows; past them, new requests are refused. */
  readonly limitBytes: number;
  /** Share of `limitBytes` past which ended logs are dropped (default 0.9). */
  readonly dropAtRatio?: number;
  /** Share of `limitBytes` past which live logs and buffers may not grow (default 1.25). */
  readonly ceilingRatio?: number;
  /** How long an ended log is kept before it may be dropped (default 2 s). */
  readonly dropGraceMs?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

/** An ended log offered to the budget: `drop` lets it go, when the budget needs its memory. */
export interface Droppable {
  drop(): void;
}

/**
 * One process's budget for what it keeps of events: every log and every buffer of events
 * not yet appended charges its bytes here and releases them when it lets them go. Ended
 * logs are also offered as droppable: as use passes `dropAtRatio` of the limit, the oldest
 * offered is dropped first (once its grace has passed), until use is back under. Live logs
 * and buffers cannot be dropped (their own caps bound them); while they and the logs still
 * in their grace fill the limit, `exhausted` tells the dispatcher to refuse new requests.
 * Past `ceilingRatio` of the limit, `hasRoomFor` answers false: the last line that keeps
 * the process alive when more runs grow at once than the budget holds.
 * Pure bookkeeping: no timers, no I/O; the owner of the logs calls {@link relieve} now and
 * then, so that logs whose grace has passed go even when nothing is being charged.
 *
 * @example
 * const budget = new MemoryBudget({ limitBytes: 64 * 1024 * 1024 });
 * const charge = budget.open();
 * charge.set(4096); // a log now holds 4 KiB
 * budget.addDroppable({ drop: () => dropLog(requestId) }); // it ended
 */
export class MemoryBudget {
  private used = 0;
  private limit: number;
  private readonly dropAtRatio: number;
  private readonly ceilingRatio: number;
  private readonly dropGraceMs: number;
  private readonly now: () => number;
  /** Ended logs, oldest first (a Map keeps insertion order), each with when it may be dropped. */
  private readonly droppable = new Map<Droppable, number>();
  private relieving = false;
  private dropped = 0;

  constructor(options: MemoryBudgetOptions) {
    this.limit = checkedLimit(options.limitBytes);
    this.dropAtRatio = options.dropAtRatio ?? DEFAULT_DROP_AT_RATIO;
    this.ceilingRatio = options.ceilingRatio ?? DEFAULT_CEILING_RATIO;
    this.dropGraceMs = options.dropGraceMs ?? DEFAULT_DROP_GRACE_MS;
    this.now = options.now ?? Date.now;
  }

  /** The bytes the budget allows. */
  get limitBytes(): number {
    return this.limit;
  }

  /** The bytes charged now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Ended logs dropped before their retention ended, since the budget was made. */
  get droppedLogs(): number {
    return this.dropped;
  }

  /** Use has reached the limit: new requests must wait until some memory is released. */
  get exhausted(): boolean {
    return this.used >= this.limit;
  }

  /** Whether `bytes` more may be charged without passing the ceiling (live growth's last line). */
  hasRoomFor(bytes: number): boolean {
    return this.used + bytes <= this.limit * this.ceilingRatio;
  }

  /** Changes the limit, and drops ended logs at once if use now passes the new one. */
  setLimit(limitBytes: number): void {
    this.limit = checkedLimit(limitBytes);
    this.relieve();
  }

  /** Charges `bytes` (dropping ended logs if use passes the drop line). */
  charge(bytes: number): void {
    this.used += bytes;
    if (bytes > 0) this.relieve();
  }

  /** Releases `bytes` charged before. */
  release(bytes: number): void {
    this.used -= bytes;
  }

  /** A holder's charge, which it sets to its size as it changes. */
  open(): MemoryCharge {
    return new MemoryCharge(this);
  }

  /**
   * Offers an ended log: its `drop` is called (once) when the budget needs its memory, after
   * every log offered before it and not before its grace has passed. Withdraw it
   * ({@link withdrawDroppable}) when it goes on its own.
   */
  addDroppable(droppable: Droppable): void {
    this.droppable.set(droppable, this.now() + this.dropGraceMs);
    this.relieve();
  }

  /** Takes back an offered log that went on its own; does nothing for one not offered. */
  withdrawDroppable(droppable: Droppable): void {
    this.droppable.delete(droppable);
  }

  /** Drops ended logs, oldest first, while use is past the drop line and their grace is over. */
  relieve(): void {
    // Checked first: this runs on every charge. A drop releases bytes and must not recurse.
    if (this.relieving || !this.pastDropLine) return;
    this.relieving = true;
    try {
      const now = this.now();
      for (const [droppable, droppableAt] of this.droppable) {
        if (!this.pastDropLine || droppableAt > now) break; // later ones are younger
        this.droppable.delete(droppable);
        this.dropped++;
        droppable.drop();
      }
    } finally {
      this.relieving = false;
    }
  }

  private get pastDropLine(): boolean {
    return this.used > this.limit * this.dropAtRatio && this.droppable.size > 0;
  }
}

function checkedLimit(limitBytes: number): number {
  if (!(limitBytes > 0)) throw new RangeError('A memory budget must allow more than 0 bytes');
  return limitBytes;
}

/**
 * What one holder (a log, a run's buffer) has charged to a {@link MemoryBudget}: the holder
 * sets its current size, the charge passes on the difference. Once released it charges
 * nothing more, so a holder that outlives its owner cannot leak into the budget.
 *
 * @example
 * const charge = budget.open();
 * charge.set(bytesHeld);
 * charge.release(); // the holder is gone
 */
export class MemoryCharge {
  private bytes = 0;
  private released = false;

  constructor(private readonly budget: MemoryBudget) {}

  /** The bytes this holder has charged. */
  get chargedBytes(): number {
    return this.bytes;
  }

  /** Sets the holder's size: charges or releases the difference. */
  set(bytes: number): void {
    if (this.released || bytes === this.bytes) return;
    const delta = bytes - this.bytes;
    this.bytes = bytes;
    if (delta > 0) this.budget.charge(delta);
    else this.budget.release(-delta);
  }

  /** Whether the holder may grow to `bytes` without passing the budget's ceiling. */
  canGrowTo(bytes: number): boolean {
    return this.released || bytes <= this.bytes || this.budget.hasRoomFor(bytes - this.bytes);
  }

  /** Releases everything charged; later `set` calls do nothing. */
  release(): void {
    this.set(0);
    this.released = true;
  }
}

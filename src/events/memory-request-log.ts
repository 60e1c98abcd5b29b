import { isSupersedable, isTerminal, type LoggedEvent, type NewEvent } from './event-types.js';
import type { AppendResult, EventBatch, EventLogLimits, RequestRecord } from './event-log.js';
import { BUDGET_BYTES_PER_EVENT, type Droppable, type MemoryCharge } from './memory-budget.js';
import { isSuperseded, noLatestSeqs, type LatestSeqs } from './supersession.js';
import type { WaitSignal } from './wait-signal.js';

/** Payload bytes after which a read stops adding events to its batch. */
const BATCH_BYTES = 64 * 1024;

/** Bytes counted for an event beyond its payload (seq, type, bookkeeping). */
const EVENT_OVERHEAD_BYTES = 32;

/** What the memory budget counts for an event beyond what the caps count. */
const BUDGET_EXTRA_PER_EVENT = BUDGET_BYTES_PER_EVENT - EVENT_OVERHEAD_BYTES;

/** What the memory budget counts for a log itself: its record, maps and waiters. */
const BUDGET_PER_LOG = 1024;

/** The latest seqs of a log that has had no supersedable event yet (most never have one). */
const NONE_LATEST: Readonly<LatestSeqs> = Object.freeze(noLatestSeqs());

/** What a log of `count` events and `bytes` (as the caps count them) charges the budget. */
function budgetBytes(count: number, bytes: number): number {
  return BUDGET_PER_LOG + bytes + count * BUDGET_EXTRA_PER_EVENT;
}

function sizeOf(event: NewEvent): number {
  return event.json.length + EVENT_OVERHEAD_BYTES;
}

/**
 * One request's events in memory: the state behind {@link MemoryEventLog}. Its size is
 * charged to the process's memory budget as it changes; an append that would take the
 * budget past its ceiling is refused (`full`) like one past the log's own caps. Once ended,
 * its owner offers it to the budget as it is: dropping it calls `onDrop`. Ended logs are kept
 * by the hundred thousand, so a log allocates nothing it has not needed yet.
 */
export class MemoryRequestLog implements Droppable {
  readonly record: RequestRecord;
  ended = false;
  private events: LoggedEvent[] = [];
  private nextSeq = 1;
  private bytes = 0;
  private latest: LatestSeqs | undefined;
  private waiters: EventWaiter[] | undefined;

  constructor(
    record: RequestRecord,
    private readonly charge: MemoryCharge,
    private readonly onDrop: (log: MemoryRequestLog) => void,
  ) {
    this.record = record;
    this.account();
  }

  /** The budget needs its memory. */
  drop(): void {
    this.onDrop(this);
  }

  /**
   * Lets go of its events and what it charged to the budget: it is being dropped (its owner
   * may still hold the log itself until its retention would have ended).
   */
  releaseMemory(): void {
    this.charge.release();
    this.events = [];
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  append(batch: readonly NewEvent[], limits: EventLogLimits): AppendResult {
    if (this.ended) return { accepted: false, reason: 'ended' };
    const terminalIndex = batch.findIndex((event) => isTerminal(event.type));
    if (terminalIndex !== -1 && terminalIndex !== batch.length - 1) {
      throw new TypeError('A terminal event must be the last of its batch');
    }
    const terminal = terminalIndex === -1 ? undefined : batch[terminalIndex];
    const body = terminal ? batch.slice(0, -1) : batch;
    if (!this.appendWithinCaps(body, limits)) return { accepted: false, reason: 'full' };
    if (terminal) {
      this.keep(this.number(terminal));
      this.bytes += sizeOf(terminal);
      this.ended = true;
    }
    this.account();
    this.wakeWaiters();
    return { accepted: true, lastSeq: this.lastSeq };
  }

  /**
   * The sendable events after `afterSeq`: at most `maxEvents`, and no more than about
   * {@link BATCH_BYTES} of payload (always at least one event), so one batch never becomes
   * one enormous socket write.
   */
  read(afterSeq: number, maxEvents: number): EventBatch {
    const events: LoggedEvent[] = [];
    let bytes = 0;
    let lastSeq = afterSeq;
    for (let index = this.indexAfter(afterSeq); index < this.events.length; index++) {
      if (events.length >= maxEvents || bytes >= BATCH_BYTES) break;
      const event = this.events[index]!;
      lastSeq = event.seq;
      if (isSuperseded(event, this.latest ?? NONE_LATEST)) continue;
      events.push(event);
      bytes += event.json.length;
    }
    return { events, lastSeq, ended: this.ended && lastSeq >= this.lastSeq };
  }

  hasEventsAfter(seq: number): boolean {
    return this.ended || this.lastSeq > seq;
  }

  /** Resolves once an event is appended, the log ends or is dropped, or `signal` aborts. */
  waitForEvents(signal: WaitSignal): Promise<void> {
    return new Promise((resolve) =>
      (this.waiters ??= []).push(new EventWaiter(this, signal, resolve)),
    );
  }

  forgetWaiter(waiter: EventWaiter): void {
    this.waiters = this.waiters?.filter((candidate) => candidate !== waiter);
  }

  wakeWaiters(): void {
    const waiters = this.waiters;
    if (waiters === undefined) return;
    this.waiters = undefined;
    for (const waiter of waiters) waiter.wake();
  }

  private account(): void {
    this.charge.set(budgetBytes(this.events.length, this.bytes));
  }

  /**
   * Adds a numbered event. A log's first event gets an array of its own size: a push onto an
   * empty array reserves 17 slots, and most ended logs kept (a cache hit, a short call) hold
   * one or two events.
   */
  private keep(event: LoggedEvent): void {
    if (this.events.length === 0) this.events = [event];
    else this.events.push(event);
  }

  private number(event: NewEvent): LoggedEvent {
    const seq = this.nextSeq++;
    if (isSupersedable(event.type)) (this.latest ??= noLatestSeqs())[event.type] = seq;
    return { seq, type: event.type, json: event.json };
  }

  /**
   * Appends `body` if it fits the caps, first dropping the progress and preview events it
   * or the log supersede. Changes nothing when even that does not fit.
   */
  private appendWithinCaps(body: readonly NewEvent[], limits: EventLogLimits): boolean {
    const addedBytes = body.reduce((total, event) => total + sizeOf(event), 0);
    const fits = (count: number, bytes: number) =>
      count <= limits.maxEvents &&
      bytes <= limits.maxBytes &&
      this.charge.canGrowTo(budgetBytes(count, bytes));
    if (fits(this.events.length + body.length, this.bytes + addedBytes)) {
      for (const event of body) this.keep(this.number(event));
      this.bytes += addedBytes;
      return true;
    }
    const latest = { ...(this.latest ?? NONE_LATEST) };
    const numbered = body.map((event, index) => ({
      seq: this.nextSeq + index,
      type: event.type,
      json: event.json,
    }));
    for (const event of numbered) if (isSupersedable(event.type)) latest[event.type] = event.seq;
    const kept = [...this.events, ...numbered].filter((event) => !isSuperseded(event, latest));
    const keptBytes = kept.reduce((total, event) => total + sizeOf(event), 0);
    if (!fits(kept.length, keptBytes)) return false;
    this.events = kept;
    this.bytes = keptBytes;
    this.nextSeq += numbered.length;
    this.latest = latest;
    return true;
  }

  /** Index of the first event whose seq is greater than `seq` (binary search: seqs ascend). */
  private indexAfter(seq: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle]!.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * One cursor waiting for events: woken by an append, or released when its signal aborts. It
 * is its own abort listener (`handleEvent`), so a waiting cursor costs one small object.
 */
class EventWaiter {
  constructor(
    private readonly log: MemoryRequestLog,
    private readonly signal: WaitSignal,
    private readonly resolve: () => void,
  ) {
    signal.addEventListener('abort', this, { once: true });
  }

  handleEvent(): void {
    this.log.forgetWaiter(this);
    this.resolve();
  }

  wake(): void {
    this.signal.removeEventListener('abort', this);
    this.resolve();
  }
}

import { isSupersedable, type NewEvent } from '../events/event-types.js';
import type { AppendResult } from '../events/event-log.js';
import { BUDGET_BYTES_PER_EVENT } from '../events/memory-budget.js';
import { processMemoryBudget } from '../events/process-memory-budget.js';

/** Where a run's events go: the event log (inline), or a replica's IPC channel. */
export type EventSink = (events: readonly NewEvent[]) => Promise<AppendResult>;

type Pending = NewEvent | Promise<NewEvent | undefined>;

/** The most a run may have queued and not yet appended: its event log's caps. */
export interface QueueCaps {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

/**
 * Why a writer refused on its own: its buffer of events not yet appended reached a cap
 * (`events` or `bytes`), whatever the log itself still had room for; or holding it would
 * take the process past its memory budget's ceiling (`budget`).
 */
export type BufferFull =
  | { readonly kind: 'buffer-full'; readonly limit: 'events' | 'bytes'; readonly cap: number }
  | { readonly kind: 'buffer-full'; readonly limit: 'budget' };

const BUDGET_FULL: BufferFull = { kind: 'buffer-full', limit: 'budget' };

/**
 * Event JSON sent in one append at most (a larger event goes alone): a run that
 * emits a burst sends it in pieces, one in flight at a time, so the runs beside it on a
 * replica's link or a Redis worker's connection take turns with it.
 */
export const SEND_CHARS = 128 * 1024;

function isSupersedableEvent(item: Pending): item is NewEvent {
  return !(item instanceof Promise) && isSupersedable(item.type);
}

/**
 * Keeps a run's events in the order they were emitted and hands them to the sink in
 * batches: everything emitted in one tick goes out as one append. An event still being
 * prepared (a preview being encoded) holds back the ones after it, so order is kept.
 * What it holds is charged to the process's memory budget until the sink takes it.
 *
 * @example
 * const writer = new EventWriter(sink, (reason) => failRun(reason));
 * writer.push({ type: 'output', json: '"hi"' });
 * await writer.finish({ type: 'result', json: '{}' }); // true once the log took it
 */
export class EventWriter {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private readonly charge = processMemoryBudget().open();
  private flushing = false;
  private closed = false;
  /** Called for each event pushed after `finish` (the run ended; the event is dropped). */
  onLateEvent: (() => void) | undefined;
  private finishing: Promise<boolean> | undefined;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly sink: EventSink,
    private readonly onRefused: (reason: unknown) => void,
    private readonly caps: QueueCaps = { maxEvents: Infinity, maxBytes: Infinity },
  ) {}

  /**
   * Queues an event; ignored once the run has finished. A queue that reaches the log's caps
   * first drops the progress and preview events a later queued one supersedes (nobody could
   * have read them: latest wins), then refuses, so a run that emits in a tight loop without
   * ever yielding cannot hold more memory than its log may keep; it refuses too when the
   * process's memory budget is past its ceiling.
   */
  push(event: Pending): void {
    if (this.closed) {
      if (this.finishing) this.onLateEvent?.();
      return;
    }
    this.queue.push(event);
    if (!(event instanceof Promise)) this.queuedBytes += event.json.length;
    if (this.overCaps()) this.dropSuperseded();
    if (this.overCaps()) return this.refuse(this.bufferFull());
    if (!this.charge.canGrowTo(this.heldBytes())) return this.refuse(BUDGET_FULL);
    this.account();
    this.scheduleFlush();
  }

  /**
   * Stops taking events at once, sends what is queued, then sends the terminal event in an
   * append of its own, which the log always accepts whatever its caps. Resolves with whether
   * the log took it. Only the first call sends anything.
   */
  finish(terminal: NewEvent): Promise<boolean> {
    this.closed = true;
    this.finishing ??= this.idle
      ? this.sendTerminal(terminal)
      : this.drained().then(() => this.sendTerminal(terminal));
    return this.finishing;
  }

  /** Drops what is queued but not yet sent: the run was stopped, and its terminal event comes next. */
  discardQueued(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.account();
  }

  /** Nothing queued and nothing being sent: {@link drained} would resolve at once. */
  get idle(): boolean {
    return !this.flushing && this.queue.length === 0;
  }

  drained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Charges the budget with what is queued now: JSON plus each event's measured overhead. */
  private account(): void {
    this.charge.set(this.heldBytes());
  }

  private heldBytes(): number {
    return this.queuedBytes + this.queue.length * BUDGET_BYTES_PER_EVENT;
  }

  private overCaps(): boolean {
    return this.queue.length > this.caps.maxEvents || this.queuedBytes > this.caps.maxBytes;
  }

  private bufferFull(): BufferFull {
    const { maxEvents, maxBytes } = this.caps;
    if (this.queue.length > maxEvents)
      return { kind: 'buffer-full', limit: 'events', cap: maxEvents };
    return { kind: 'buffer-full', limit: 'bytes', cap: maxBytes };
  }

  private dropSuperseded(): void {
    const latest = new Map<string, Pending>();
    for (const item of this.queue) if (isSupersedableEvent(item)) latest.set(item.type, item);
    this.queue = this.queue.filter(
      (item) => !isSupersedableEvent(item) || latest.get(item.type) === item,
    );
    this.queuedBytes = this.queue.reduce(
      (total, item) => total + (item instanceof Promise ? 0 : item.json.length),
      0,
    );
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeReady();
      if (batch.length > 0) {
        await this.send(batch);
        continue;
      }
      const head = this.queue[0];
      const prepared = await head;
      if (this.queue[0] !== head) continue;
      if (prepared) this.queue[0] = prepared;
      else this.queue = this.queue.slice(1);
      this.queuedBytes += prepared?.json.length ?? 0; // takeReady subtracts it when it goes
      this.account();
    }
    this.flushing = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * The events at the head of the queue that are ready to send, up to the first still
   * being prepared, and no more than {@link SEND_CHARS} of JSON (but one at least).
   */
  private takeReady(): NewEvent[] {
    const { queue } = this;
    let count = 0;
    let chars = 0;
    for (; count < queue.length; count++) {
      const item = queue[count]!;
      if (item instanceof Promise) break;
      if (count > 0 && chars + item.json.length > SEND_CHARS) break;
      chars += item.json.length;
    }
    const ready = queue.splice(0, count) as NewEvent[];
    this.queuedBytes -= chars;
    this.account();
    return ready;
  }

  private async send(batch: NewEvent[]): Promise<void> {
    try {
      const result = await this.sink(batch);
      if (!result.accepted) this.refuse(result.reason);
    } catch (error) {
      this.refuse(error);
    }
  }

  private async sendTerminal(terminal: NewEvent): Promise<boolean> {
    try {
      return (await this.sink([terminal])).accepted;
    } catch {
      return false;
    }
  }

  private refuse(reason: unknown): void {
    this.closed = true; // the run is failing: only its terminal event follows
    this.discardQueued();
    this.onRefused(reason);
  }
}

import type { NewEvent } from './event-types.js';
import {
  DEFAULT_EVENT_LOG_LIMITS,
  type AppendResult,
  type EventBatch,
  type EventLog,
  type EventLogLimits,
  type RequestLookup,
  type RequestRecord,
} from './event-log.js';
import { ExpiryQueue } from './expiry-queue.js';
import type { MemoryBudget, MemoryCharge } from './memory-budget.js';
import { MemoryRequestLog } from './memory-request-log.js';
import { processMemoryBudget } from './process-memory-budget.js';
import type { WaitSignal } from './wait-signal.js';

/** How many expired ids are remembered, so that they answer `expired` rather than `unknown`. */
const TOMBSTONE_CAPACITY = 100_000;
/** Measured heap cost of one remembered id (its record and map entry), charged to the budget. */
const TOMBSTONE_BYTES = 600;
/** Share of the memory budget remembered ids may take: fewer are kept under a small budget. */
const TOMBSTONE_BUDGET_SHARE = 0.1;
const SWEEP_INTERVAL_MS = 1_000;

/**
 * The in-process {@link EventLog}: the embedded default. Logs live in a map; ended logs are
 * swept after the retention window by one timer for the whole log. Every log charges its
 * size to a memory budget (the process's, by default), and ended logs are offered to it:
 * when use nears the budget, the oldest are expired early, exactly as at the end of
 * retention.
 *
 * @example
 * const log = new MemoryEventLog({ retentionMs: 60_000 });
 */
export class MemoryEventLog implements EventLog {
  readonly limits: EventLogLimits;
  private readonly logs = new Map<string, MemoryRequestLog>();
  /** Ended logs in order of expiry: retention is one constant, so ending order is expiry order. */
  private readonly expiries = new ExpiryQueue<MemoryRequestLog>();
  /** Expired requests' records, oldest first, so they answer `expired` rather than `unknown`. */
  private readonly tombstones = new Map<string, RequestRecord>();
  private readonly tombstoneCharge: MemoryCharge;
  /** Lets a log go: what the sweep calls at the end of its retention, and the budget to drop it. */
  private readonly expireLog = (log: MemoryRequestLog) => this.expire(log);
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    limits: Partial<EventLogLimits> = {},
    private readonly budget: MemoryBudget = processMemoryBudget(),
  ) {
    this.limits = { ...DEFAULT_EVENT_LOG_LIMITS, ...limits };
    this.tombstoneCharge = budget.open();
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  create(record: RequestRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The event log is closed'));
    if (this.logs.has(record.requestId) || this.tombstones.has(record.requestId)) {
      return Promise.reject(new Error(`Request ${record.requestId} already exists`));
    }
    const log = new MemoryRequestLog(record, this.budget.open(), this.expireLog);
    this.logs.set(record.requestId, log);
    return Promise.resolve();
  }

  lookup(requestId: string): Promise<RequestLookup> {
    const log = this.logs.get(requestId);
    if (log) {
      const state = log.ended ? 'ended' : 'live';
      return Promise.resolve({ state, record: log.record, lastSeq: log.lastSeq });
    }
    const expired = this.tombstones.get(requestId);
    return Promise.resolve(expired ? { state: 'expired', record: expired } : { state: 'unknown' });
  }

  append(requestId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    const log = this.logs.get(requestId);
    if (!log) return Promise.resolve({ accepted: false, reason: 'missing' });
    try {
      const result = log.append(events, this.limits);
      if (result.accepted && log.ended) {
        this.expiries.add(log, Date.now() + this.limits.retentionMs);
        this.budget.addDroppable(log); // which may drop it at once
      }
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  read(requestId: string, afterSeq: number, maxEvents: number): Promise<EventBatch | undefined> {
    if (!Number.isInteger(maxEvents) || maxEvents < 1) {
      return Promise.reject(new RangeError('maxEvents must be a positive integer'));
    }
    if (this.closed) return Promise.resolve(undefined);
    return Promise.resolve(this.logs.get(requestId)?.read(afterSeq, maxEvents));
  }

  waitForEvents(requestId: string, afterSeq: number, signal: WaitSignal): Promise<void> {
    const log = this.logs.get(requestId);
    if (!log || this.closed || signal.aborted || log.hasEventsAfter(afterSeq))
      return Promise.resolve();
    return log.waitForEvents(signal);
  }

  /** Ends every wait and gives back everything charged to the budget. */
  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const log of this.logs.values()) {
      this.budget.withdrawDroppable(log);
      log.wakeWaiters();
      log.releaseMemory();
    }
    this.tombstoneCharge.release();
    return Promise.resolve();
  }

  /**
   * Drops the logs whose retention has passed, and lets the budget drop those it needs
   * whose grace has passed; exposed for tests that control time.
   */
  sweep(now: number): void {
    this.budget.relieve();
    this.expiries.takeExpired(now, this.expireLog);
  }

  /** Lets `log` go (at the end of its retention, or for memory), if it has not gone already. */
  private expire(log: MemoryRequestLog): void {
    const { requestId } = log.record;
    if (this.logs.get(requestId) !== log) return;
    this.logs.delete(requestId);
    this.budget.withdrawDroppable(log);
    log.releaseMemory();
    log.wakeWaiters();
    this.tombstones.set(requestId, log.record);
    const capacity = Math.min(
      TOMBSTONE_CAPACITY,
      (this.budget.limitBytes * TOMBSTONE_BUDGET_SHARE) / TOMBSTONE_BYTES,
    );
    for (const oldest of this.tombstones.keys()) {
      if (this.tombstones.size <= capacity) break;
      this.tombstones.delete(oldest);
    }
    this.tombstoneCharge.set(this.tombstones.size * TOMBSTONE_BYTES);
  }
}

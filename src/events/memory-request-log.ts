import { isSupersedable, isTerminal, type LoggedEvent, type NewEvent } from './event-types.js';
import type { AppendResult, EventBatch, EventLogLimits, RequestRecord } from './event-log.js';
import { isSuperseded, noLatestSeqs, withoutSuperseded } from './supersession.js';

/** Bytes counted for an event beyond its payload (seq, type, bookkeeping). */
const EVENT_OVERHEAD_BYTES = 32;

function sizeOf(event: NewEvent): number {
  return event.json.length + EVENT_OVERHEAD_BYTES;
}

/** One request's events in memory: the state behind {@link MemoryEventLog}. */
export class MemoryRequestLog {
  readonly record: RequestRecord;
  ended = false;
  private events: LoggedEvent[] = [];
  private nextSeq = 1;
  private bytes = 0;
  private readonly latest = noLatestSeqs();
  private waiters: Array<() => void> = [];

  constructor(record: RequestRecord) {
    this.record = record;
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
    const addedBytes = batch.reduce((total, event) => total + sizeOf(event), 0);
    if (terminalIndex === -1 && !this.makeRoom(batch.length, addedBytes, limits)) {
      return { accepted: false, reason: 'full' };
    }
    for (const event of batch) this.push(event);
    this.ended = terminalIndex !== -1;
    this.wakeWaiters();
    return { accepted: true, lastSeq: this.lastSeq };
  }

  read(afterSeq: number, maxEvents: number): EventBatch {
    const start = this.indexAfter(afterSeq);
    const window = this.events.slice(start, start + maxEvents);
    const last = window.at(-1);
    const lastSeq = last ? last.seq : Math.max(afterSeq, this.lastSeq);
    return {
      events: withoutSuperseded(window, this.latest),
      lastSeq,
      ended: this.ended && lastSeq >= this.lastSeq,
    };
  }

  hasEventsAfter(seq: number): boolean {
    return this.ended || this.lastSeq > seq;
  }

  addWaiter(waiter: () => void): () => void {
    this.waiters.push(waiter);
    return () => {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
    };
  }

  wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  private push(event: NewEvent): void {
    const seq = this.nextSeq++;
    this.events.push({ seq, type: event.type, json: event.json });
    this.bytes += sizeOf(event);
    if (isSupersedable(event.type)) this.latest[event.type] = seq;
  }

  private makeRoom(addedEvents: number, addedBytes: number, limits: EventLogLimits): boolean {
    const fits = () =>
      this.events.length + addedEvents <= limits.maxEvents &&
      this.bytes + addedBytes <= limits.maxBytes;
    if (fits()) return true;
    this.dropSuperseded();
    return fits();
  }

  private dropSuperseded(): void {
    this.events = this.events.filter((event) => !isSuperseded(event, this.latest));
    this.bytes = this.events.reduce((total, event) => total + sizeOf(event), 0);
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

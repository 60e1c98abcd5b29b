import type { EventBatch } from '../events/event-log.js';
import { isTerminal, type LoggedEvent } from '../events/event-types.js';
import { requestLogKeys } from './event-log-keys.js';
import { unpackEntry } from './event-log-pack.js';
import type { RedisHub } from './redis-hub.js';

/** Payload after which a read stops adding events to its batch, as the memory log does. */
const BATCH_BYTES = 64 * 1024;
/**
 * Entries asked for at first when the log's entry size is not known: few, so that big
 * events, or packs of many (see `packEntries`), are not fetched in vain; later asks go by
 * the bytes per entry seen, and so does a later read's first ask, up to `MOST_FIRST`.
 */
const FIRST_COUNT = 4;
/** The most entries a first ask takes on the strength of an earlier read's sizes. */
const MOST_FIRST = 64;

type StreamEntry = [id: string, fields: string[]];

/** A read of {@link readLog}. */
export interface LogRead {
  readonly requestId: string;
  readonly afterSeq: number;
  readonly maxEvents: number;
  /** The log is known to be live, so an empty answer needs no look at its meta. */
  readonly knownLive: boolean;
  /** Payload bytes per entry an earlier read of this log saw, to size the first ask. */
  readonly bytesPerEntry?: number | undefined;
}

/** How far a log got, as a read saw it. */
export interface SeenProgress {
  readonly lastSeq: number;
  readonly ended: boolean;
}

/** A read's batch, and how far the log got if the read saw its end (else `undefined`). */
export interface LogSnapshot {
  readonly batch: EventBatch;
  readonly progress: SeenProgress | undefined;
  /** Payload bytes per entry this read fetched (`undefined` if it fetched none). */
  readonly bytesPerEntry: number | undefined;
}

/**
 * The events after `afterSeq` (at most `maxEvents`, about 64 KiB of payload counted in
 * UTF-16 units, always at least one), as the memory log reads them; `undefined` when the
 * log is missing or expired. Entries are asked for by bytes, not a fixed count: given the
 * `bytesPerEntry` an earlier read saw, the first ask is what the byte cap has room for, so
 * a log of large events is not fetched again and again. No script: the stream holds only what a read returns (the
 * append deletes superseded events), so a read is one `XRANGE`, more only when a backlog
 * fills the first. An entry may pack several events under its last one's seq, so the first
 * entry may start at or before `afterSeq`: those events are left out. A stream expires with its meta, so events found answer alone;
 * the meta is read only when none are (is the log missing, or ended?), and not even then
 * when the log is `knownLive`.
 *
 * @example
 * const snapshot = await readLog(hub, { requestId, afterSeq: 0, maxEvents: 100, knownLive: false });
 */
export async function readLog(hub: RedisHub, read: LogRead): Promise<LogSnapshot | undefined> {
  const { meta, events } = requestLogKeys(hub, read.requestId);
  const afterSeq = Math.max(0, Math.floor(read.afterSeq));
  const batch = new BatchCollector(read.maxEvents, afterSeq);
  let asked = firstAsk(read);
  let entries = await hub.command.xrange(events, `(${afterSeq}-0`, '+', 'COUNT', asked);
  let sawEnd = batch.add(entries) && entries.length < asked;
  while (entries.length === asked && !batch.full) {
    asked = batch.countToAsk();
    const after = `(${entries.at(-1)![0]}`;
    entries = await hub.command.xrange(events, after, '+', 'COUNT', asked);
    sawEnd = batch.add(entries) && entries.length < asked;
  }
  const { bytesPerEntry } = batch;
  const last = batch.events.at(-1);
  if (last) {
    const found = { events: batch.events, lastSeq: last.seq, ended: isTerminal(last.type) };
    return { batch: found, progress: sawEnd ? found : undefined, bytesPerEntry };
  }
  const nothing = { events: [], lastSeq: afterSeq, ended: false };
  if (read.knownLive) return { batch: nothing, progress: undefined, bytesPerEntry };
  const [lastSeq, ended] = await hub.command.hmget(meta, 'lastSeq', 'ended');
  if (lastSeq === null || lastSeq === undefined) return undefined;
  const progress = { lastSeq: Number(lastSeq), ended: ended === '1' };
  const batchSeen = {
    events: nothing.events,
    lastSeq: afterSeq,
    ended: progress.ended && afterSeq >= progress.lastSeq,
  };
  return { batch: batchSeen, progress, bytesPerEntry };
}

/** Entries to ask for first: what the byte cap has room for, by the size seen before. */
function firstAsk(read: LogRead): number {
  if (read.bytesPerEntry === undefined) return Math.min(read.maxEvents, FIRST_COUNT);
  const byteRoom = Math.ceil(BATCH_BYTES / Math.max(1, read.bytesPerEntry));
  return Math.max(1, Math.min(read.maxEvents, byteRoom, MOST_FIRST));
}

/** The events of one read, cut at `maxEvents` or once the payload reaches the byte cap. */
class BatchCollector {
  readonly events: LoggedEvent[] = [];
  private bytes = 0;
  private entries = 0;
  private fetchedBytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly afterSeq: number,
  ) {}

  get full(): boolean {
    return this.events.length >= this.maxEvents || this.bytes >= BATCH_BYTES;
  }

  /** Payload bytes per entry fetched so far (`undefined` before any entry). */
  get bytesPerEntry(): number | undefined {
    return this.entries === 0 ? undefined : this.fetchedBytes / this.entries;
  }

  /** Adds the entries' events until the batch is full; whether it took them all. */
  add(entries: readonly StreamEntry[]): boolean {
    let tookAll = true;
    for (const [id, fields] of entries) {
      this.entries++;
      for (const event of unpackEntry(id, fields)) {
        this.fetchedBytes += event.json.length;
        if (event.seq <= this.afterSeq) continue;
        if (this.full) {
          tookAll = false;
          continue;
        }
        this.events.push(event);
        this.bytes += event.json.length;
      }
    }
    return tookAll;
  }

  /** About as many entries as the caps still have room for, by the entries so far. */
  countToAsk(): number {
    const eventsPerEntry = Math.max(1, this.events.length / this.entries);
    const bytesPerEntry = Math.max(1, this.bytes / this.entries);
    const eventRoom = Math.ceil((this.maxEvents - this.events.length) / eventsPerEntry);
    const byteRoom = Math.ceil((BATCH_BYTES - this.bytes) / bytesPerEntry);
    return Math.max(1, Math.min(eventRoom, byteRoom));
  }
}

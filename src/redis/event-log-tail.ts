import type { EventBatch } from '../events/event-log.js';
import { isSupersedable, isTerminal, type LoggedEvent } from '../events/event-types.js';
import type { AppendNotice } from './event-log-notice.js';
import { unpackEntry, type StoredEntry } from './event-log-pack.js';

/**
 * Payload of the stream entries an append's notice carries at most; a bigger batch's notice
 * carries none, and its events are read from Redis. Every process that follows appends
 * receives every notice, so this is what each append may cost each of them.
 */
export const NOTICE_TAIL_CHARS = 16 * 1024;
/** Payload a request's tail holds at most; past it the tail is dropped (reads go to Redis). */
const TAIL_CHARS = 64 * 1024;
/** Payload after which a batch taken from a tail stops, as a read from Redis does. */
const BATCH_CHARS = 64 * 1024;
/** Requests whose tail is held at once; the oldest is dropped past this. */
const CAPACITY = 10_000;
/** Payload held over every tail at most; the oldest tails are dropped past it. */
const TOTAL_CHARS = 8 * 1024 * 1024;

/**
 * The tail an append's notice carries, after its header: the entries as the append stored
 * them, each `[offset, field, value]` (offset: the place in the batch of the entry's last
 * event), as JSON; empty when the batch's entries hold more than {@link NOTICE_TAIL_CHARS}.
 *
 * @example
 * noticeTail([{ offset: 1, field: 'output', value: '"hi"' }]); // '[[1,"output","\"hi\""]]'
 */
export function noticeTail(entries: readonly StoredEntry[]): string {
  let chars = 0;
  for (const entry of entries) chars += entry.value.length;
  if (chars > NOTICE_TAIL_CHARS) return '';
  return JSON.stringify(entries.map((entry) => [entry.offset, entry.field, entry.value]));
}

/** The events of one request from `afterSeq` (exclusive) to `lastSeq`, as Redis holds them. */
class Tail {
  lastSeq: number;
  events: LoggedEvent[] = [];
  chars = 0;
  constructor(public afterSeq: number) {
    this.lastSeq = afterSeq;
  }
}

/**
 * The newest events of the logs this process waits on, taken from the append notices that
 * carry them, so that a cursor that keeps up reads them without a round trip to Redis. A
 * request's tail is the run of stored events from one notice on, with every notice since
 * (a gap, or a notice without events, drops it); a progress or preview that a later one
 * supersedes is dropped from it as the append deletes it from the stream. So a tail holds
 * exactly what Redis holds between its ends, and a read it answers (a batch that may stop
 * short of the log's true end, like any read made a moment earlier) is one Redis would have
 * answered. A tail is started only for a request something waits on (the events of any
 * other request's notice are not even parsed, and a notice that cannot be read drops its
 * request's tail); events a cursor took are let go (the tail, empty, goes on with the next
 * notice), and a tail past 64 KiB, whose cursor fell behind, is dropped, as is one that
 * ended once its terminal event was taken; past 8 MiB over every tail (cursors that left
 * while their runs go on), the oldest go.
 *
 * @example
 * tails.heard(notice, waiting); // from the notice subscription
 * tails.take(requestId, afterSeq, 100); // a batch, or undefined: read Redis
 */
export class NoticedTails {
  private readonly tails = new Map<string, Tail>();
  /** Payload held over every tail. */
  private chars = 0;

  /** A notice: extends its request's tail, or starts one when `follow`ed, or drops it. */
  heard(notice: AppendNotice, follow: boolean): void {
    const { requestId } = notice;
    let tail = this.tails.get(requestId);
    if (!tail && !follow) return; // not followed here: its events are not even parsed
    const found = notice.tail === undefined ? undefined : eventsOf(notice.tail);
    if (tail && tail.lastSeq !== found?.afterSeq) {
      this.drop(requestId); // a gap, or events it was not told
      tail = undefined;
    }
    if (!found || (!tail && !follow)) return;
    if (!tail) {
      tail = new Tail(found.afterSeq);
      this.tails.set(requestId, tail);
    }
    for (const event of found.events) this.add(tail, event);
    if (tail.chars > TAIL_CHARS) this.drop(requestId);
    while (this.tails.size > CAPACITY || this.chars > TOTAL_CHARS) {
      this.drop(this.tails.keys().next().value!);
    }
  }

  /**
   * The events after `afterSeq` from the request's tail (at most `maxEvents`, about 64 KiB),
   * or `undefined` when the tail does not reach back to `afterSeq` or holds nothing after it.
   * What it returns is let go.
   */
  take(requestId: string, afterSeq: number, maxEvents: number): EventBatch | undefined {
    const tail = this.tails.get(requestId);
    if (!tail || tail.afterSeq > afterSeq || tail.lastSeq <= afterSeq) return undefined;
    const events: LoggedEvent[] = [];
    let chars = 0;
    let rest = 0;
    for (; rest < tail.events.length; rest++) {
      const event = tail.events[rest]!;
      if (event.seq <= afterSeq) continue;
      if (events.length >= maxEvents || chars >= BATCH_CHARS) break;
      events.push(event);
      chars += event.json.length;
    }
    const last = events.at(-1);
    if (!last) return undefined;
    const ended = isTerminal(last.type);
    if (ended) this.drop(requestId);
    else this.letGo(tail, rest, last.seq);
    return { events, lastSeq: last.seq, ended };
  }

  /** Notices may have been lost (the subscriber reconnects): drop every tail. */
  forgetAll(): void {
    this.tails.clear();
    this.chars = 0;
  }

  /** Adds a stored event; a progress or preview drops the one it supersedes. */
  private add(tail: Tail, event: LoggedEvent): void {
    if (isSupersedable(event.type)) {
      const index = tail.events.findIndex((held) => held.type === event.type);
      if (index !== -1) this.resize(tail, -tail.events.splice(index, 1)[0]!.json.length);
    }
    tail.events.push(event);
    tail.lastSeq = event.seq;
    this.resize(tail, event.json.length);
  }

  /** The events before `index` were taken: the tail now starts after `seq`. */
  private letGo(tail: Tail, index: number, seq: number): void {
    for (const event of tail.events.slice(0, index)) this.resize(tail, -event.json.length);
    tail.events = tail.events.slice(index);
    tail.afterSeq = seq;
  }

  private resize(tail: Tail, chars: number): void {
    tail.chars += chars;
    this.chars += chars;
  }

  private drop(requestId: string): void {
    const tail = this.tails.get(requestId);
    if (tail) this.chars -= tail.chars;
    this.tails.delete(requestId);
  }
}

/**
 * A notice's tail text, `<seq before the batch>\n<entries JSON>`, as events; `undefined` if
 * it cannot be read.
 */
function eventsOf(text: string): { afterSeq: number; events: LoggedEvent[] } | undefined {
  const newline = text.indexOf('\n');
  const afterSeq = Number(text.slice(0, newline));
  if (newline < 1 || !Number.isInteger(afterSeq)) return undefined;
  let entries: Array<[number, string, string]>;
  try {
    entries = JSON.parse(text.slice(newline + 1)) as Array<[number, string, string]>;
  } catch {
    return undefined; // the tail is dropped: reads go to Redis
  }
  const events: LoggedEvent[] = [];
  for (const [offset, field, value] of entries) {
    events.push(...unpackEntry(String(afterSeq + offset), [field, value]));
  }
  return { afterSeq, events };
}

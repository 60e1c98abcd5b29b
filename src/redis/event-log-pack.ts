import {
  isSupersedable,
  isTerminal,
  type EventType,
  type LoggedEvent,
  type NewEvent,
} from '../events/event-types.js';

/** The field of a stream entry that holds several events. */
export const PACK_FIELD = 'pack';
/** Payload a pack holds at most, so a read that needs a pack's start fetches little more. */
const PACK_CHARS = 16 * 1024;

/** An event of a batch that goes into the stream, with its 1-based place in the batch. */
export interface PlacedEvent {
  readonly offset: number;
  readonly event: NewEvent;
}

/** One stream entry of a batch: its id is the log's lastSeq plus `offset`. */
export interface StoredEntry {
  /** 1-based place in the batch of the entry's last event. */
  readonly offset: number;
  /** The event's type, or {@link PACK_FIELD} for several events. */
  readonly field: string;
  readonly value: string;
}

/** Events that may share an entry: no `\n` in the JSON, and neither superseded nor final. */
function packable(event: NewEvent): boolean {
  return !isSupersedable(event.type) && !isTerminal(event.type) && !event.json.includes('\n');
}

function entryOf(run: readonly PlacedEvent[]): StoredEntry {
  const last = run[run.length - 1]!;
  if (run.length === 1) {
    return { offset: last.offset, field: last.event.type, value: last.event.json };
  }
  const value = run.map(({ event }) => `${event.type}\n${event.json}`).join('\n');
  return { offset: last.offset, field: PACK_FIELD, value };
}

/**
 * The stream entries of a batch's stored events: each run of consecutive outputs and logs
 * (consecutive seqs, up to about 16 KiB of payload) is one entry whose field `pack` holds
 * `type\njson\ntype\njson…`; progress, preview and terminal events, and any event whose
 * JSON holds a `\n`, are entries of their own (field: the type, value: the JSON).
 *
 * @example
 * packEntries([{ offset: 1, event: output }, { offset: 2, event: log }]);
 * // [{ offset: 2, field: 'pack', value: 'output\n"a"\nlog\n{…}' }]
 */
export function packEntries(stored: readonly PlacedEvent[]): StoredEntry[] {
  const entries: StoredEntry[] = [];
  let run: PlacedEvent[] = [];
  let runChars = 0;
  for (const placed of stored) {
    const previous = run[run.length - 1];
    const joins =
      previous !== undefined &&
      packable(placed.event) &&
      placed.offset === previous.offset + 1 &&
      runChars + placed.event.json.length <= PACK_CHARS;
    if (!joins && run.length > 0) {
      entries.push(entryOf(run));
      run = [];
      runChars = 0;
    }
    if (packable(placed.event)) {
      run.push(placed);
      runChars += placed.event.json.length;
    } else {
      entries.push(entryOf([placed]));
    }
  }
  if (run.length > 0) entries.push(entryOf(run));
  return entries;
}

/**
 * The events of one stream entry (`XRANGE` gives `[id, [field, value]]`), numbered back
 * from the entry's id, which is its last event's seq.
 *
 * @example
 * unpackEntry('5-0', ['pack', 'output\n"a"\noutput\n"b"']); // seqs 4 and 5
 */
export function unpackEntry(id: string, fields: readonly string[]): LoggedEvent[] {
  const lastSeq = Number.parseInt(id, 10);
  if (fields[0] !== PACK_FIELD) {
    return [{ seq: lastSeq, type: fields[0] as EventType, json: fields[1]! }];
  }
  const parts = fields[1]!.split('\n');
  const firstSeq = lastSeq - parts.length / 2 + 1;
  const events: LoggedEvent[] = [];
  for (let index = 0; index < parts.length; index += 2) {
    const type = parts[index] as EventType;
    events.push({ seq: firstSeq + index / 2, type, json: parts[index + 1]! });
  }
  return events;
}

import {
  isSupersedable,
  isTerminal,
  type NewEvent,
  type SupersedableEventType,
} from '../events/event-types.js';
import { packEntries, type PlacedEvent, type StoredEntry } from './event-log-pack.js';

/** Bytes counted for an event beyond its payload, as the memory log counts them. */
const EVENT_OVERHEAD_BYTES = 32;

/** The last progress or preview of a batch's body: its place in the batch and its size. */
export interface LatestOfKind {
  /** 1-based place in the batch, so its seq is the log's lastSeq plus this. */
  readonly offset: number;
  readonly bytes: number;
}

/**
 * What the append script needs to know of a batch, worked out before it is sent, so the
 * script does per event no more than its `XADD`.
 */
export interface AppendPlan {
  /** Events the batch numbers, stored or not. */
  readonly total: number;
  /** The batch ends with a terminal event. */
  readonly ends: boolean;
  /** Events of the body (all but the terminal) that go into the stream, and their size. */
  readonly bodyCount: number;
  readonly bodyBytes: number;
  /** Size of the terminal event, 0 without one; it is accepted whatever the caps. */
  readonly terminalBytes: number;
  /** The body's last progress and preview, which replace the log's. */
  readonly latest: Readonly<Partial<Record<SupersedableEventType, LatestOfKind>>>;
  /** The stream entries, in order: outputs and logs packed (see `packEntries`). */
  readonly entries: readonly StoredEntry[];
  /** Each entry's place in the batch (of its last event), space-separated. */
  readonly offsets: string;
}

function sizeOf(event: NewEvent): number {
  return event.json.length + EVENT_OVERHEAD_BYTES;
}

/**
 * Plans the append of a batch: a progress or preview that a later one of the same batch
 * supersedes is numbered but not stored, as reads would leave it out anyway; runs of
 * outputs and logs share one stream entry each.
 *
 * @example
 * planAppend([progress1, progress2, result]); // stores progress2 and result, offsets '2 3'
 */
export function planAppend(events: readonly NewEvent[]): AppendPlan {
  const terminalIndex = events.findIndex((event) => isTerminal(event.type));
  if (terminalIndex !== -1 && terminalIndex !== events.length - 1) {
    throw new TypeError('A terminal event must be the last of its batch');
  }
  const ends = terminalIndex !== -1;
  const bodyLength = ends ? events.length - 1 : events.length;
  const latest: Partial<Record<SupersedableEventType, LatestOfKind>> = {};
  for (let index = 0; index < bodyLength; index++) {
    const event = events[index]!;
    if (isSupersedable(event.type)) latest[event.type] = { offset: index + 1, bytes: 0 };
  }
  const stored: PlacedEvent[] = [];
  let bodyBytes = 0;
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const last = isSupersedable(event.type) ? latest[event.type] : undefined;
    if (last && last.offset !== index + 1) continue;
    const bytes = sizeOf(event);
    if (last) latest[event.type as SupersedableEventType] = { offset: last.offset, bytes };
    if (index < bodyLength) bodyBytes += bytes;
    stored.push({ offset: index + 1, event });
  }
  const entries = packEntries(stored);
  const bodyCount = ends ? stored.length - 1 : stored.length;
  return {
    total: events.length,
    ends,
    bodyCount,
    bodyBytes,
    terminalBytes: ends ? sizeOf(events[events.length - 1]!) : 0,
    latest,
    entries,
    offsets: entries.map((entry) => entry.offset).join(' '),
  };
}

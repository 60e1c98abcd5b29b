import type { EventType, LoggedEvent } from './event-types.js';

/** An event kept as the bytes of its `sluice` SSE frame, in a chunk of a {@link FrameSlab}. */
export interface FramedEvent {
  readonly seq: number;
  readonly type: EventType;
  /** Its JSON's length in characters, as the log's caps count it. */
  readonly jsonLength: number;
  readonly chunk: Buffer;
  /** Where its frame starts (`id: `), where its JSON starts, and where the frame ends. */
  readonly start: number;
  readonly jsonStart: number;
  readonly end: number;
}

/** Frames at least this large get a buffer of their own. */
const OWN_BUFFER_BYTES = 16 * 1024;
const FIRST_CHUNK_BYTES = 1024;
const LARGEST_CHUNK_BYTES = 64 * 1024;
/** `id: `, the seq, `\nevent: `, the type, `\ndata: `, and the closing blank line. */
const HEAD_BOUND = 64;
const CLOSING = '\n\n';
/** How every stored frame's last line starts: the `data` dialect's whole frame begins here. */
const DATA_HEAD_BYTES = 'data: '.length;
/** Small `data` frames are copied together into write chunks up to this size. */
const DATA_CHUNK_BYTES = 64 * 1024;

/**
 * Where a log keeps its events: encoded once (as UTF-8: the runtime's JSON is ASCII, one
 * byte per character, but a log takes any JSON), at append, as the bytes of their `sluice` SSE
 * frames (`id`, `event`, `data`), packed back to back in chunks that grow from 1 KiB to
 * 64 KiB (a large frame gets a buffer of its own). The bytes live outside the V8 heap, so a
 * log of large events costs the garbage collector nothing to scan or copy, and every client
 * is written the same bytes (consecutive frames of one chunk as one slice, no copy).
 * Chunks are append-only: a slice handed to a socket stays valid.
 *
 * @example
 * const slab = new FrameSlab();
 * const event = slab.add(1, 'output', '{"token":"hi"}');
 * frameOf(event).toString(); // 'id: 1\nevent: output\ndata: {"token":"hi"}\n\n'
 */
export class FrameSlab {
  private chunk: Buffer | undefined;
  private used = 0;
  private nextChunkBytes = FIRST_CHUNK_BYTES;

  /** Encodes one event's frame into the slab. */
  add(seq: number, type: EventType, json: string): FramedEvent {
    const head = `id: ${seq}\nevent: ${type}\ndata: `;
    const size = head.length + Buffer.byteLength(json) + CLOSING.length;
    if (size >= OWN_BUFFER_BYTES) return ownFrame({ seq, type, json, head, size });
    const chunk = this.room(size);
    const start = this.used;
    const jsonStart = start + chunk.write(head, start, 'latin1');
    let end = jsonStart + chunk.write(json, jsonStart, 'utf8');
    end += chunk.write(CLOSING, end, 'latin1');
    this.used = end;
    return { seq, type, jsonLength: json.length, chunk, start, jsonStart, end };
  }

  /** The chunk to write `bound` bytes into: the current one if it has room, else a new one. */
  private room(bound: number): Buffer {
    if (this.chunk && this.chunk.length - this.used >= bound) return this.chunk;
    const size = Math.max(this.nextChunkBytes, bound + HEAD_BOUND);
    this.nextChunkBytes = Math.min(this.nextChunkBytes * 2, LARGEST_CHUNK_BYTES);
    this.chunk = Buffer.allocUnsafeSlow(size);
    this.used = 0;
    return this.chunk;
  }
}

interface OwnFrame {
  readonly seq: number;
  readonly type: EventType;
  readonly json: string;
  readonly head: string;
  /** The frame's length in bytes. */
  readonly size: number;
}

function ownFrame(event: OwnFrame): FramedEvent {
  const { seq, type, json, head, size } = event;
  const chunk = Buffer.allocUnsafeSlow(size);
  const jsonStart = chunk.write(head, 0, 'latin1');
  const end = jsonStart + chunk.write(json, jsonStart, 'utf8');
  chunk.write(CLOSING, end, 'latin1');
  return { seq, type, jsonLength: json.length, chunk, start: 0, jsonStart, end: chunk.length };
}

/**
 * The event's `sluice` SSE frame (a view of its chunk, not a copy).
 *
 * @example
 * socket.write(frameOf(event));
 */
export function frameOf(event: FramedEvent): Buffer {
  return event.chunk.subarray(event.start, event.end);
}

/**
 * The event as the log's readers see it: its JSON is decoded from the bytes only when read.
 *
 * @example
 * loggedView(event).json; // '{"token":"hi"}'
 */
export function loggedView(event: FramedEvent): LoggedEvent {
  const { seq, type, chunk, jsonStart, end } = event;
  return {
    seq,
    type,
    get json() {
      return chunk.toString('utf8', jsonStart, end - CLOSING.length);
    },
  };
}

/**
 * The frames of consecutive events as few write chunks: events whose frames lie back to
 * back in one chunk become one slice.
 *
 * @example
 * response.write(framesOf(events)[0]);
 */
export function framesOf(events: readonly FramedEvent[]): Buffer[] {
  const slices: Buffer[] = [];
  let first: FramedEvent | undefined;
  let last: FramedEvent | undefined;
  for (const event of events) {
    if (first && last && last.chunk === event.chunk && last.end === event.start) {
      last = event;
      continue;
    }
    if (first && last) slices.push(first.chunk.subarray(first.start, last.end));
    first = last = event;
  }
  if (first && last) slices.push(first.chunk.subarray(first.start, last.end));
  return slices;
}

/**
 * The same events as frames of the `data` dialect (`data: <json>` and the blank line): the
 * tail of each stored frame, after its `id` and `event` lines. Small frames are copied back
 * to back into write chunks of up to 64 KiB; a large one is written as a view of its own
 * bytes, not copied.
 *
 * @example
 * dataFramesOf([slab.add(1, 'output', '{"token":"hi"}')])[0].toString(); // 'data: {"token":"hi"}\n\n'
 */
export function dataFramesOf(events: readonly FramedEvent[]): Buffer[] {
  const chunks: Buffer[] = [];
  let group: FramedEvent[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length > 0) chunks.push(copyDataFrames(group, groupBytes));
    group = [];
    groupBytes = 0;
  };
  for (const event of events) {
    const bytes = event.end - event.jsonStart + DATA_HEAD_BYTES;
    if (bytes >= OWN_BUFFER_BYTES) {
      flush();
      chunks.push(event.chunk.subarray(event.jsonStart - DATA_HEAD_BYTES, event.end));
      continue;
    }
    if (groupBytes + bytes > DATA_CHUNK_BYTES) flush();
    group.push(event);
    groupBytes += bytes;
  }
  flush();
  return chunks;
}

function copyDataFrames(events: readonly FramedEvent[], bytes: number): Buffer {
  const chunk = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const event of events) {
    offset += event.chunk.copy(chunk, offset, event.jsonStart - DATA_HEAD_BYTES, event.end);
  }
  return chunk;
}

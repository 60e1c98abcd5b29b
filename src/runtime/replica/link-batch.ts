import { EVENT_TYPES, type EventType, type NewEvent } from '../../events/event-types.js';
import { ChunkQueue } from './chunk-queue.js';
import { UnsendableValueError } from './unsendable-value.js';

/** Any message of the replica link: those carrying `events` get them packed as bytes. */
export interface LinkMessage {
  readonly kind: string;
  readonly events?: readonly NewEvent[];
}

/**
 * Everything one side sent in one event-loop turn, as one message (an IPC message from the
 * parent, a frame of `link-frames.ts` from a replica): the messages in order, each `events`
 * array replaced by its count, and all those events in `events`: first each event's head
 * (its type's index in `EVENT_TYPES`, one byte; its JSON's length in bytes, u32 LE), then
 * every event's JSON as UTF-8, back to back.
 */
export interface LinkBatch {
  readonly kind: 'batch';
  readonly messages: readonly LinkMessage[];
  readonly events: Uint8Array | undefined;
}

/** A message of a packed batch: its events replaced by their count. */
export interface CountedMessage extends LinkMessage {
  readonly eventCount?: number;
}

const TYPE_HEADER = 1;
const JSON_HEADER = 4;

const TYPE_INDEX = new Map<EventType, number>(EVENT_TYPES.map((type, index) => [type, index]));

/**
 * The event type a packed event's first byte stands for.
 *
 * @example
 * eventTypeAt(2); // 'output'
 */
export function eventTypeAt(index: number): EventType {
  const type = EVENT_TYPES[index];
  if (type === undefined) throw new RangeError(`No event type has the index ${index}`);
  return type;
}

const EVENT_HEAD = TYPE_HEADER + JSON_HEADER;

/** JSON written to the packed bytes in one call: a piece's flat copy stays a young string. */
const PIECE_CHARS = 16 * 1024;

function countEvents(messages: readonly LinkMessage[]) {
  let count = 0;
  let chars = 0;
  for (const { events } of messages) {
    count += events?.length ?? 0;
    chars += eventChars(events);
  }
  return { count, chars };
}

/**
 * Packs events whose JSON is all ASCII, as `toAsciiJson` writes it (a byte a character):
 * their JSON is joined into pieces of up to {@link PIECE_CHARS} and written a piece at a
 * time, not with a native call an event (a larger JSON is a piece of its own, written as it
 * is). `undefined` when some JSON is not ASCII.
 */
function packAscii(messages: readonly LinkMessage[], count: number, chars: number) {
  const bytes = Buffer.allocUnsafe(count * EVENT_HEAD + chars);
  let head = 0;
  let offset = count * EVENT_HEAD;
  let piece = '';
  const writePiece = (): boolean => {
    if (Buffer.byteLength(piece, 'utf8') !== piece.length) return false;
    offset += bytes.write(piece, offset, 'latin1');
    piece = '';
    return true;
  };
  for (const message of messages) {
    for (const { type, json } of message.events ?? []) {
      head = bytes.writeUInt8(TYPE_INDEX.get(type)!, head);
      head = bytes.writeUInt32LE(json.length, head);
      if (piece.length + json.length > PIECE_CHARS && !writePiece()) return undefined;
      piece += json;
      if (piece.length >= PIECE_CHARS && !writePiece()) return undefined;
    }
  }
  return writePiece() ? bytes : undefined;
}

/** Packs any events, each JSON measured and written as UTF-8 on its own. */
function packUtf8(messages: readonly LinkMessage[]): Buffer {
  const events = messages.flatMap((message) => message.events ?? []);
  const lengths = events.map((event) => Buffer.byteLength(event.json, 'utf8'));
  const headBytes = events.length * EVENT_HEAD;
  const bytes = Buffer.allocUnsafe(headBytes + lengths.reduce((sum, n) => sum + n, 0));
  let head = 0;
  let offset = headBytes;
  events.forEach((event, index) => {
    head = bytes.writeUInt8(TYPE_INDEX.get(event.type)!, head);
    head = bytes.writeUInt32LE(lengths[index]!, head);
    offset += bytes.write(event.json, offset, 'utf8');
  });
  return bytes;
}

/** The events of `messages` packed: every event's head (type index, JSON length), then every JSON. */
function packEvents(messages: readonly LinkMessage[]): Buffer | undefined {
  const { count, chars } = countEvents(messages);
  if (count === 0) return undefined;
  return packAscii(messages, count, chars) ?? packUtf8(messages);
}

/** Reads `count` packed events from `queue`: their heads, then their JSON. */
function readEvents(queue: ChunkQueue, count: number): NewEvent[] {
  const heads = queue.readBytes(count * EVENT_HEAD);
  const events: NewEvent[] = [];
  for (let head = 0; head < heads.length; head += EVENT_HEAD) {
    const type = eventTypeAt(heads[head]!);
    events.push({ type, json: queue.readString(heads.readUInt32LE(head + TYPE_HEADER), 'utf8') });
  }
  return events;
}

/**
 * A packed batch's messages with their events restored, the events read from `queue` (a
 * replica's pipe, or the bytes of an IPC batch).
 *
 * @example
 * const messages = unpackMessages(batch.messages, queue);
 */
export function unpackMessages(
  packed: readonly CountedMessage[],
  queue: ChunkQueue,
): LinkMessage[] {
  const total = packed.reduce((sum, message) => sum + (message.eventCount ?? 0), 0);
  const events = total > 0 ? readEvents(queue, total) : [];
  let next = 0;
  return packed.map((message) => {
    if (message.eventCount === undefined) return message;
    const { eventCount, ...rest } = message;
    return { ...rest, events: events.slice(next, (next += eventCount)) };
  });
}

/**
 * One turn's messages as one {@link LinkBatch}.
 *
 * @example
 * child.send(packBatch([{ kind: 'append', runId: 1, events: [{ type: 'output', json: '1' }] }]));
 */
export function packBatch(messages: readonly LinkMessage[]): LinkBatch {
  const stripped = messages.map((message): CountedMessage => {
    if (message.events === undefined) return message;
    const { events, ...rest } = message;
    return { ...rest, eventCount: events.length };
  });
  return {
    kind: 'batch',
    messages: stripped,
    events: packEvents(messages),
  };
}

function isBatch(message: unknown): message is LinkBatch {
  return typeof message === 'object' && message !== null && (message as LinkBatch).kind === 'batch';
}

/**
 * The messages a received IPC message holds, in order: a {@link LinkBatch}'s, with their
 * events restored, or the message itself.
 *
 * @example
 * child.on('message', (raw) => unpackBatch<ReplicaMessage>(raw).forEach(receive));
 */
export function unpackBatch<Message>(message: unknown): Message[] {
  if (!isBatch(message)) return [message as Message];
  const queue = new ChunkQueue();
  if (message.events !== undefined) queue.push(toBuffer(message.events));
  return unpackMessages(message.messages, queue) as Message[];
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Event JSON a batch holds at most before it is written at once, mid-turn. */
export const BATCH_CHARS = 256 * 1024;

/**
 * The event JSON `events` carry, in characters: what a batch's early write and a replica's
 * link window count.
 *
 * @example
 * eventChars([{ type: 'output', json: '{"x":1}' }]); // 7
 */
export function eventChars(events: readonly NewEvent[] = []): number {
  let chars = 0;
  for (const event of events) chars += event.json.length;
  return chars;
}

/**
 * Gathers the messages sent during one event-loop turn and writes them as one
 * {@link LinkBatch} (at `setImmediate`), so a turn in which many runs emit costs one
 * message, not one per run, and every run's events of that turn travel together. A batch
 * whose events reach {@link BATCH_CHARS} is written at once, so no message is so large that
 * the other side holds every run back while it decodes it.
 *
 * @example
 * const link = new TickBatcher((batch) => child.send(batch));
 * link.send({ kind: 'appended', runId: 1, result });
 */
export class TickBatcher {
  private pending: LinkMessage[] = [];
  private pendingChars = 0;
  private scheduled = false;

  /**
   * `onUnsendable`, when given, takes a message whose batch `write` refused with an
   * {@link UnsendableValueError}: the batch's other messages are written one by one, and
   * that one is handed over instead of sent.
   */
  constructor(
    private readonly write: (batch: LinkBatch) => void,
    private readonly onUnsendable?: (message: LinkMessage, error: UnsendableValueError) => void,
  ) {}

  /** Queues a message for this turn's batch. */
  send(message: LinkMessage): void {
    this.pending.push(message);
    this.pendingChars += eventChars(message.events);
    if (this.pendingChars >= BATCH_CHARS) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Writes what is queued now (before a disconnect, or for a message that must not wait). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const messages = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    try {
      this.write(packBatch(messages));
    } catch (error) {
      if (!(error instanceof UnsendableValueError) || !this.onUnsendable) throw error;
      this.writeOneByOne(messages, this.onUnsendable);
    }
  };

  private writeOneByOne(
    messages: readonly LinkMessage[],
    onUnsendable: (message: LinkMessage, error: UnsendableValueError) => void,
  ): void {
    for (const message of messages) {
      try {
        this.write(packBatch([message]));
      } catch (error) {
        if (!(error instanceof UnsendableValueError)) throw error;
        onUnsendable(message, error);
      }
    }
  }
}

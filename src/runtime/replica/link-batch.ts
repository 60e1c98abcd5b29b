import { EVENT_TYPES, type EventType, type NewEvent } from '../../events/event-types.js';

/** Any message of the replica link: those carrying `events` get them packed as bytes. */
export interface LinkMessage {
  readonly kind: string;
  readonly events?: readonly NewEvent[];
}

/**
 * Everything one side sent in one event-loop turn, as one message (an IPC message from the
 * parent, a frame of `link-frames.ts` from a replica): the messages in order, each `events`
 * array replaced by its count, and all those events back to back in `events` (per event:
 * its type's index in `EVENT_TYPES`, JSON length, JSON as UTF-8).
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

function packedSize(messages: readonly LinkMessage[]): number {
  let size = 0;
  for (const message of messages) {
    for (const event of message.events ?? []) {
      size += TYPE_HEADER + JSON_HEADER + Buffer.byteLength(event.json);
    }
  }
  return size;
}

function packEvents(messages: readonly LinkMessage[], size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const message of messages) {
    for (const event of message.events ?? []) {
      offset = bytes.writeUInt8(TYPE_INDEX.get(event.type)!, offset);
      const length = bytes.write(event.json, offset + JSON_HEADER, 'utf8');
      bytes.writeUInt32LE(length, offset);
      offset += JSON_HEADER + length;
    }
  }
  return bytes;
}

/**
 * One turn's messages as one {@link LinkBatch}.
 *
 * @example
 * child.send(packBatch([{ kind: 'append', runId: 1, events: [{ type: 'output', json: '1' }] }]));
 */
export function packBatch(messages: readonly LinkMessage[]): LinkBatch {
  const size = packedSize(messages);
  const stripped = messages.map((message): CountedMessage => {
    if (message.events === undefined) return message;
    const { events, ...rest } = message;
    return { ...rest, eventCount: events.length };
  });
  return {
    kind: 'batch',
    messages: stripped,
    events: size > 0 ? packEvents(messages, size) : undefined,
  };
}

function unpackEvents(bytes: Buffer, from: number, count: number) {
  const events: NewEvent[] = [];
  let offset = from;
  for (let index = 0; index < count; index++) {
    const type = eventTypeAt(bytes.readUInt8(offset));
    offset += TYPE_HEADER;
    const jsonLength = bytes.readUInt32LE(offset);
    offset += JSON_HEADER;
    const json = bytes.toString('utf8', offset, offset + jsonLength);
    offset += jsonLength;
    events.push({ type, json });
  }
  return { events, offset };
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
  const bytes = message.events === undefined ? undefined : toBuffer(message.events);
  let offset = 0;
  return message.messages.map((packed) => {
    const { eventCount, ...rest } = packed as CountedMessage;
    if (eventCount === undefined) return rest as Message;
    if (bytes === undefined) return { ...rest, events: [] } as Message;
    const unpacked = unpackEvents(bytes, offset, eventCount);
    offset = unpacked.offset;
    return { ...rest, events: unpacked.events } as Message;
  });
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

  constructor(private readonly write: (batch: LinkBatch) => void) {}

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
    this.write(packBatch(messages));
  };
}

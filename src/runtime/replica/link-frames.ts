import { isArrayBufferView } from 'node:util/types';
import v8 from 'node:v8';
import { ChunkQueue } from './chunk-queue.js';
import {
  unpackMessages,
  type CountedMessage,
  type LinkBatch,
  type LinkMessage,
} from './link-batch.js';
import { UnsendableValueError } from './unsendable-value.js';

/**
 * A replica's messages to its parent travel as frames on a pipe of their own (the rank's
 * file descriptor 4), not as IPC messages. Node's IPC channel copies every message twice
 * into memory of its own (the serializer's buffer on one side, the joined pieces of the
 * message on the other) before anyone reads it; a frame is written straight from the
 * batch's packed events and read from the pipe's chunks as they come.
 *
 * A frame: a mark (u32 LE {@link FRAME_MARK}), its length in bytes after the next field
 * (u32 LE), the length of its messages (u32 LE), the messages as V8 serializes them
 * (structured clone, events left out), then the packed events of {@link LinkBatch} (every
 * event's head, then every event's JSON). The mark tells bytes that something else wrote
 * to the pipe from a frame at once, rather than after waiting for a length they spell.
 */

/** The file descriptor of a rank's pipe to its parent (after stdin, stdout, stderr and IPC). */
export const REPLICA_LINK_FD = 4;

/** The bytes `SLK1`, which start every frame. */
const FRAME_MARK = 0x314b4c53;
const MARK_BYTES = 4;
const LENGTH_BYTES = 4;
const HEAD_BYTES = MARK_BYTES + 2 * LENGTH_BYTES;

const ARRAY_BUFFER_VIEW = 0;
const OTHER_HOST_OBJECT = 1;

// Node's own hooks for host objects (typed arrays, Buffers), which its types leave out.
const writeViewOf = (v8.DefaultSerializer.prototype as unknown as HostObjectWriter)
  ._writeHostObject;
const readViewOf = (v8.DefaultDeserializer.prototype as unknown as HostObjectReader)
  ._readHostObject;

interface HostObjectWriter {
  readonly _writeHostObject: (this: v8.Serializer, object: object) => void;
}

interface HostObjectReader {
  readonly _readHostObject: (this: v8.Deserializer) => unknown;
}

/**
 * Structured clone as the IPC channel does it: typed arrays and Buffers as they are, and
 * any other host object as a copy of its own properties rather than an error.
 */
class LinkSerializer extends v8.DefaultSerializer {
  _getDataCloneError(message: string): Error {
    return new UnsendableValueError(message);
  }

  _writeHostObject(object: object): void {
    if (isArrayBufferView(object)) {
      this.writeUint32(ARRAY_BUFFER_VIEW);
      writeViewOf.call(this, object);
      return;
    }
    this.writeUint32(OTHER_HOST_OBJECT);
    this.writeValue({ ...object });
  }
}

class LinkDeserializer extends v8.DefaultDeserializer {
  _readHostObject(): unknown {
    if (this.readUint32() === ARRAY_BUFFER_VIEW) return readViewOf.call(this);
    return this.readValue();
  }
}

function serialize(value: unknown): Buffer {
  const serializer = new LinkSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

function deserialize(bytes: Buffer): unknown {
  const deserializer = new LinkDeserializer(bytes);
  deserializer.readHeader();
  return deserializer.readValue();
}

/**
 * A batch as the buffers of one frame, to be written in order (with `writev`: the packed
 * events are not copied again).
 *
 * @example
 * for (const buffer of frameOf(packBatch(messages))) pipe.write(buffer);
 */
export function frameOf(batch: LinkBatch): Buffer[] {
  const messages = serialize(batch.messages);
  const events = batch.events;
  const head = Buffer.allocUnsafe(HEAD_BYTES);
  head.writeUInt32LE(FRAME_MARK, 0);
  head.writeUInt32LE(LENGTH_BYTES + messages.length + (events?.length ?? 0), MARK_BYTES);
  head.writeUInt32LE(messages.length, MARK_BYTES + LENGTH_BYTES);
  if (!events) return [head, messages];
  return [head, messages, Buffer.from(events.buffer, events.byteOffset, events.length)];
}

/**
 * Bytes on a replica's pipe that are no frame: something besides sluice wrote to it. What
 * the reader could not make of them is its `cause`.
 */
export class UnreadableFrameError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'UnreadableFrameError';
  }
}

/**
 * Reads the frames of a replica's pipe from its chunks, however they are cut, and hands on
 * each frame's messages in order with their events restored.
 *
 * @example
 * const reader = new FrameReader((messages) => messages.forEach(receive));
 * pipe.on('data', (chunk) => reader.push(chunk));
 */
export class FrameReader {
  private readonly queue = new ChunkQueue();

  constructor(private readonly onMessages: (messages: LinkMessage[]) => void) {}

  /**
   * Takes the next chunk read from the pipe; hands on every frame it completes. Throws an
   * {@link UnreadableFrameError} for bytes that are no frame (the reader is of no further
   * use then); what the listener throws is thrown as it is.
   */
  push(chunk: Buffer): void {
    this.queue.push(chunk);
    while (this.frameQueued()) this.onMessages(this.nextFrame());
  }

  /** Whether a whole frame is queued; throws at queued bytes that do not start one. */
  private frameQueued(): boolean {
    const { queue } = this;
    if (queue.length < MARK_BYTES) return false;
    const mark = queue.peekUInt32LE();
    if (mark !== FRAME_MARK)
      throw new UnreadableFrameError(new Error(`0x${mark.toString(16)} where a frame starts`));
    const lengthEnd = MARK_BYTES + LENGTH_BYTES;
    return queue.length >= lengthEnd && queue.length >= lengthEnd + queue.peekUInt32LE(MARK_BYTES);
  }

  private nextFrame(): LinkMessage[] {
    try {
      return this.readFrame();
    } catch (error) {
      throw new UnreadableFrameError(error);
    }
  }

  private readFrame(): LinkMessage[] {
    const { queue } = this;
    queue.readUInt32LE(); // the mark
    const length = queue.readUInt32LE();
    const end = queue.length - length; // what is queued after this frame
    const messagesLength = queue.readUInt32LE();
    if (messagesLength > length - LENGTH_BYTES)
      throw new RangeError(`Messages of ${messagesLength} bytes in a frame of ${length}`);
    const packed = deserialize(queue.readBytes(messagesLength)) as CountedMessage[];
    const messages = unpackMessages(packed, queue);
    if (queue.length !== end)
      throw new RangeError(`A frame of ${length} bytes read as ${length + end - queue.length}`);
    return messages;
  }
}

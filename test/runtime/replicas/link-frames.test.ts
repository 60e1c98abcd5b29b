import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../../../src/runtime/replica/chunk-queue.js';
import { packBatch, type LinkMessage } from '../../../src/runtime/replica/link-batch.js';
import {
  FrameReader,
  frameOf,
  UnreadableFrameError,
} from '../../../src/runtime/replica/link-frames.js';
import { sampleMessages, type SampleMessage } from './link-messages.js';

const firstBatch = sampleMessages;

const secondBatch = [
  { kind: 'rank-send', runId: 4, message: { tensor: new Float32Array([1.5, -2]) } },
  { kind: 'settled', runId: 4 },
] as SampleMessage[];

/** Both batches' frames as one stream of bytes, as the pipe carries them. */
function wire(): Buffer {
  return Buffer.concat([...frameOf(packBatch(firstBatch)), ...frameOf(packBatch(secondBatch))]);
}

function readInChunks(bytes: Buffer, cuts: readonly number[]): LinkMessage[][] {
  const frames: LinkMessage[][] = [];
  const reader = new FrameReader((messages) => frames.push(messages));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, cut));
    from = cut;
  }
  return frames;
}

describe('the frames of a replica’s pipe', () => {
  it('carry each batch’s messages in order, with events and typed arrays restored', () => {
    const frames = readInChunks(wire(), []);
    expect(frames).toEqual([firstBatch, secondBatch]);
    const [sent] = frames[1]!;
    expect((sent as unknown as { message: { tensor: unknown } }).message.tensor).toBeInstanceOf(
      Float32Array,
    );
  });

  it('are read whole wherever the pipe cuts them, one byte at a time included', () => {
    const bytes = wire();
    for (let cut = 1; cut < bytes.length; cut++)
      expect(readInChunks(bytes, [cut])).toEqual([firstBatch, secondBatch]);
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(readInChunks(bytes, everyByte)).toEqual([firstBatch, secondBatch]);
  });

  it('that are no frame throw an UnreadableFrameError; what the listener throws stays its own', () => {
    // Text, as code that took the descriptor for its own might write: refused at its first
    // four bytes, not taken as the length of a frame of half a gigabyte to wait for.
    expect(() => new FrameReader(() => undefined).push(Buffer.from('oops'))).toThrow(
      UnreadableFrameError,
    );
    // A frame whose messages claim more than the frame holds, and one with bytes left over.
    const mark = wire().subarray(0, 4);
    const lengths = (length: number, messages: number) =>
      Buffer.from([length, 0, 0, 0, messages, 0, 0, 0]);
    const liar = Buffer.concat([mark, lengths(6, 9), Buffer.alloc(2)]);
    expect(() => new FrameReader(() => undefined).push(liar)).toThrow(UnreadableFrameError);
    const first = Buffer.concat(frameOf(packBatch(firstBatch)));
    const padded = Buffer.concat([first, Buffer.alloc(1)]);
    padded.writeUInt32LE(first.readUInt32LE(4) + 1, 4);
    expect(() => new FrameReader(() => undefined).push(padded)).toThrow(UnreadableFrameError);
    const listenerFault = new Error('the listener failed');
    const throwing = new FrameReader(() => {
      throw listenerFault;
    });
    expect(() => throwing.push(wire())).toThrow(listenerFault);
  });

  it('hand on nothing until a frame is complete', () => {
    const bytes = wire();
    const firstFrame = Buffer.concat(frameOf(packBatch(firstBatch))).length;
    const frames: LinkMessage[][] = [];
    const reader = new FrameReader((messages) => frames.push(messages));
    reader.push(bytes.subarray(0, firstFrame - 1));
    expect(frames).toHaveLength(0);
    reader.push(bytes.subarray(firstFrame - 1, firstFrame + 3));
    expect(frames).toHaveLength(1);
    reader.push(bytes.subarray(firstFrame + 3));
    expect(frames).toHaveLength(2);
  });

  it('send a host object other than a typed array as a copy of its properties, as IPC does', () => {
    const message = { kind: 'rank-send', runId: 1, message: new BlockList() };
    const frames = readInChunks(Buffer.concat(frameOf(packBatch([message]))), []);
    expect(frames).toEqual([[{ kind: 'rank-send', runId: 1, message: {} }]]);
  });
});

describe('a chunk queue', () => {
  it('reads within a chunk in place and across chunks by copying', () => {
    const queue = new ChunkQueue();
    const chunk = Buffer.from([1, 0, 0, 0, 0x68, 0x69]);
    queue.push(chunk);
    queue.push(Buffer.from([2, 0]));
    queue.push(Buffer.from([0, 0, 0x6f, 0x6b]));
    expect(queue.length).toBe(12);
    expect(queue.peekUInt32LE()).toBe(1);
    expect(queue.readUInt32LE()).toBe(1);
    const inPlace = queue.readBytes(2);
    expect(inPlace.buffer).toBe(chunk.buffer); // a view, not a copy
    expect(queue.peekUInt32LE()).toBe(2); // its bytes in two chunks
    expect(queue.readUInt32LE()).toBe(2);
    expect(queue.readString(2, 'latin1')).toBe('ok');
    expect(queue.length).toBe(0);
    expect(() => queue.readBytes(1)).toThrow(RangeError);
    expect(() => queue.peekUInt32LE()).toThrow(RangeError);
  });

  it('peeks past bytes it skips, within a chunk and across several', () => {
    const queue = new ChunkQueue();
    queue.push(Buffer.from([9, 9, 9, 7, 0]));
    queue.push(Buffer.from([0]));
    queue.push(Buffer.from([0, 5, 0, 0, 0]));
    queue.readBytes(1);
    expect(queue.peekUInt32LE(2)).toBe(7); // bytes in three chunks
    expect(queue.peekUInt32LE(6)).toBe(5); // within the last chunk
    expect(() => queue.peekUInt32LE(7)).toThrow(RangeError);
  });
});

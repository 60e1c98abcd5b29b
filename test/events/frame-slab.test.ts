import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { encodeSseFrames } from '../../src/events/sse.js';
import type { NewEvent } from '../../src/events/event-types.js';
import {
  dataFramesOf,
  FrameSlab,
  frameOf,
  framesOf,
  loggedView,
} from '../../src/events/frame-slab.js';
import { encodeDialectFrames } from '../../src/events/dialects/dialect-frames.js';
import { newRecord } from '../../src/events/conformance/conformance-fixtures.js';

const output = (text: string): NewEvent => ({ type: 'output', json: JSON.stringify({ text }) });
const progress = (done: number): NewEvent => ({ type: 'progress', json: `{"done":${done}}` });

function bytesOf(frames: readonly Uint8Array[]): string {
  return Buffer.concat(frames).toString('latin1');
}

describe('FrameSlab', () => {
  it('keeps each event as its sluice frame and gives its JSON back', () => {
    const slab = new FrameSlab();
    const event = slab.add(7, 'output', '{"token":"hi"}');
    expect(frameOf(event).toString('latin1')).toBe(
      'id: 7\nevent: output\ndata: {"token":"hi"}\n\n',
    );
    expect(loggedView(event)).toEqual({ seq: 7, type: 'output', json: '{"token":"hi"}' });
  });

  it('keeps JSON that is not ASCII whole, small or in a frame of its own', () => {
    const slab = new FrameSlab();
    const texts = ['h\u00e9llo', '\u{1f30a}\u2028', '\u{1f30a}'.repeat(9_000)];
    for (const [index, text] of texts.entries()) {
      const json = JSON.stringify({ text });
      const event = slab.add(index + 1, 'output', json);
      expect(loggedView(event).json).toBe(json);
      expect(frameOf(event).toString('utf8')).toBe(
        `id: ${index + 1}\nevent: output\ndata: ${json}\n\n`,
      );
    }
  });

  it('writes consecutive frames of one chunk as one slice, and a large frame on its own', () => {
    const slab = new FrameSlab();
    const large = 'x'.repeat(20_000);
    const events = [
      slab.add(1, 'output', '"a"'),
      slab.add(2, 'output', '"b"'),
      slab.add(3, 'output', JSON.stringify(large)),
      slab.add(4, 'output', '"c"'),
    ];
    const frames = framesOf(events);
    expect(frames).toHaveLength(3);
    expect(bytesOf(frames)).toBe(encodeSseFrames(events.map(loggedView)));
  });

  it('cuts the data dialect’s frames from the same bytes: small ones copied together, a large one a view', () => {
    const slab = new FrameSlab();
    const large = '\u{1f30a}'.repeat(9_000);
    const events = [
      slab.add(1, 'output', '"a"'),
      slab.add(2, 'progress', JSON.stringify({ text: 'h\u00e9llo' })),
      slab.add(3, 'output', JSON.stringify(large)),
      slab.add(4, 'result', '{"done":true}'),
    ];
    const frames = dataFramesOf(events);
    expect(frames).toHaveLength(3);
    expect(frames[1]!.buffer).toBe(events[2]!.chunk.buffer);
    expect(Buffer.concat(frames).toString('utf8')).toBe(
      encodeDialectFrames('data', events.map(loggedView)),
    );
  });

  it('groups data frames into write chunks of at most 64 KiB, every frame whole and in order', () => {
    const slab = new FrameSlab();
    const events = Array.from({ length: 2_000 }, (_, index) =>
      slab.add(index + 1, 'output', JSON.stringify({ index, pad: 'y'.repeat(index % 300) })),
    );
    const frames = dataFramesOf(events);
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.concat(frames).toString('latin1')).toBe(
      encodeDialectFrames('data', events.map(loggedView)),
    );
  });

  it('moves to a new chunk when one is full: every frame stays whole and in order', () => {
    const slab = new FrameSlab();
    const events = Array.from({ length: 2_000 }, (_, index) =>
      slab.add(index + 1, 'output', JSON.stringify({ index, pad: 'y'.repeat(index % 300) })),
    );
    const chunks = new Set(events.map((event) => event.chunk));
    expect(chunks.size).toBeGreaterThan(1);
    expect(bytesOf(framesOf(events))).toBe(encodeSseFrames(events.map(loggedView)));
  });
});

describe('MemoryEventLog frames', () => {
  it('reads frames that are exactly the sluice encoding of the batch, skipped events left out', async () => {
    const log = new MemoryEventLog();
    const record = newRecord();
    await log.create(record);
    await log.append(record.requestId, [output('a'), progress(1), progress(2), output('b')]);
    await log.append(record.requestId, [progress(3), output('c')]);
    const batch = (await log.read(record.requestId, 0, 100))!;
    expect(batch.events.map((event) => event.seq)).toEqual([1, 4, 5, 6]);
    expect(bytesOf(batch.frames!)).toBe(encodeSseFrames(batch.events));
    await log.close();
  });

  it('keeps frames true after an append over the caps drops superseded events', async () => {
    const log = new MemoryEventLog({ maxEvents: 4 });
    const record = newRecord();
    await log.create(record);
    await log.append(record.requestId, [progress(1), output('a'), progress(2)]);
    const result = await log.append(record.requestId, [progress(3), output('b')]);
    expect(result).toEqual({ accepted: true, lastSeq: 5 });
    const batch = (await log.read(record.requestId, 0, 100))!;
    expect(batch.events.map((event) => [event.seq, event.json])).toEqual([
      [2, '{"text":"a"}'],
      [4, '{"done":3}'],
      [5, '{"text":"b"}'],
    ]);
    expect(bytesOf(batch.frames!)).toBe(encodeSseFrames(batch.events));
    await log.close();
  });
});

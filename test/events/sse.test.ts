import { describe, expect, it } from 'vitest';
import { toAsciiJson } from '../../src/events/ascii-json.js';
import { EVENT_TYPES, type LoggedEvent } from '../../src/events/event-types.js';
import {
  encodeSseComment,
  encodeSseFrame,
  encodeSseFrames,
  groupForWrites,
  SSE_HEADERS,
} from '../../src/events/sse.js';

const LINE_BREAKS = ['\n', '\r', '\r\n'];
const PRINTABLE_ASCII = /^[\n\x20-\x7e]*$/;

function output(seq: number, value: unknown): LoggedEvent {
  return { seq, type: 'output', json: toAsciiJson(value) };
}

describe('encodeSseFrame', () => {
  it('writes id, event and data, then a blank line', () => {
    expect(encodeSseFrame({ seq: 1, type: 'output', json: '{"token":"hi"}' })).toBe(
      'id: 1\nevent: output\ndata: {"token":"hi"}\n\n',
    );
  });

  it('names the frame after the event type, for every type', () => {
    for (const type of EVENT_TYPES) {
      expect(encodeSseFrame({ seq: 42, type, json: 'null' })).toBe(
        `id: 42\nevent: ${type}\ndata: null\n\n`,
      );
    }
  });

  it('writes the data as given, so the frame is ASCII when the JSON is', () => {
    const frame = encodeSseFrame(output(7, { text: 'h\u00e9llo \u{1f30a}\u2028' }));
    expect(frame).toBe(
      'id: 7\nevent: output\ndata: {"text":"h\\u00e9llo \\ud83c\\udf0a\\u2028"}\n\n',
    );
    expect(frame).toMatch(PRINTABLE_ASCII);
  });

  it('gets single-line data from toAsciiJson, even for text full of line breaks', () => {
    for (const lineBreak of [...LINE_BREAKS, '\u2028', '\u2029', '\u0085']) {
      const frame = encodeSseFrame(output(1, { text: `a${lineBreak}b`, [lineBreak]: lineBreak }));
      expect(frame.split('\n')).toHaveLength(5);
      expect(frame).toMatch(PRINTABLE_ASCII);
    }
  });

  it('rejects an event type outside the closed set', () => {
    const event = { seq: 1, type: 'output\nevent: result', json: '1' } as unknown as LoggedEvent;
    expect(() => encodeSseFrame(event)).toThrow(TypeError);
  });
});

describe('encodeSseFrames', () => {
  it('concatenates frames in order', () => {
    const events = [output(1, 'a'), output(2, 'b')];
    expect(encodeSseFrames(events)).toBe(
      'id: 1\nevent: output\ndata: "a"\n\nid: 2\nevent: output\ndata: "b"\n\n',
    );
  });

  it('writes nothing for no events', () => {
    expect(encodeSseFrames([])).toBe('');
  });
});

describe('groupForWrites', () => {
  it('keeps small frames together, in order', () => {
    const events = [output(1, 'a'), output(2, 'b')];
    expect(groupForWrites(events)).toEqual([events]);
  });

  it('starts a new group before one would pass its size, keeping every event whole and in order', () => {
    const events = Array.from({ length: 10 }, (_, index) => output(index + 1, 'x'.repeat(40)));
    const groups = groupForWrites(events, 200);
    expect(groups.flat()).toEqual(events);
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) expect(encodeSseFrames(group).length).toBeLessThanOrEqual(200);
  });

  it('puts a frame larger than the group size in a group of its own', () => {
    const big = output(2, 'y'.repeat(500));
    const small = [output(1, 'a'), output(3, 'c')];
    expect(groupForWrites([small[0]!, big, small[1]!], 200)).toEqual([
      [small[0]],
      [big],
      [small[1]],
    ]);
  });

  it('makes no group for no events', () => {
    expect(groupForWrites([])).toEqual([]);
  });
});

describe('encodeSseComment', () => {
  it('writes a comment line and a blank line', () => {
    expect(encodeSseComment('open')).toBe(': open\n\n');
    expect(encodeSseComment('')).toBe(': \n\n');
  });

  it('rejects text with a line break', () => {
    for (const lineBreak of LINE_BREAKS) {
      expect(() => encodeSseComment(`heart${lineBreak}beat`)).toThrow(TypeError);
    }
  });
});

describe('SSE_HEADERS', () => {
  it('declares an uncached, unbuffered, uncompressed event stream', () => {
    expect(SSE_HEADERS['content-type']).toMatch(/^text\/event-stream\b/);
    expect(SSE_HEADERS['cache-control']).toBe('no-cache, no-transform');
    expect(SSE_HEADERS['x-accel-buffering']).toBe('no');
    expect(Object.keys(SSE_HEADERS)).not.toContain('content-encoding');
  });
});

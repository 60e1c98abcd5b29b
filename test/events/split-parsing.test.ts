import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { toAsciiJson } from '../../src/events/ascii-json.js';
import type { LoggedEvent } from '../../src/events/event-types.js';
import { encodeSseComment, encodeSseFrame } from '../../src/events/sse.js';

interface ParsedEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

interface ParsedStream {
  readonly events: ParsedEvent[];
  readonly comments: string[];
}

const RAW_COMMENT = 'raw UTF-8: h\u00e9llo \u65e5\u672c\u8a9e \u{1f30a}';

const RECORDED_EVENTS: readonly LoggedEvent[] = [
  { seq: 1, type: 'progress', json: toAsciiJson({ step: 1, total: 4 }) },
  { seq: 2, type: 'output', json: toAsciiJson({ token: 'h\u00e9llo w\u00f6rld' }) },
  { seq: 3, type: 'output', json: toAsciiJson({ token: '\u65e5\u672c\u8a9e \u{1f30a}\u{1f389}' }) },
  {
    seq: 4,
    type: 'log',
    json: toAsciiJson({ level: 'info', message: 'na\u00efve \u2014 \u2028', timestamp: 'now' }),
  },
  {
    seq: 5,
    type: 'result',
    json: toAsciiJson({ text: '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}' }),
  },
];

/** What a server writes: `: open`, two frames, a raw UTF-8 comment, the remaining frames. */
function recordedStream(): Uint8Array {
  const frames = RECORDED_EVENTS.map(encodeSseFrame);
  const text = [encodeSseComment('open'), ...frames.slice(0, 2)]
    .concat(encodeSseComment(RAW_COMMENT), frames.slice(2))
    .join('');
  return new TextEncoder().encode(text);
}

type Decode = (chunks: readonly Uint8Array[]) => string[];

/** A client that decodes UTF-8 across chunk boundaries, as it should. */
const decodeStreaming: Decode = (chunks) => {
  const decoder = new TextDecoder();
  return [...chunks.map((chunk) => decoder.decode(chunk, { stream: true })), decoder.decode()];
};

/** A client that decodes each chunk on its own, as the fal JS client does. */
const decodeEachChunk: Decode = (chunks) => chunks.map((chunk) => new TextDecoder().decode(chunk));

function parse(chunks: readonly Uint8Array[], decode: Decode = decodeStreaming): ParsedStream {
  const parsed: ParsedStream = { events: [], comments: [] };
  const parser = createParser({
    onEvent: ({ id, event, data }) => parsed.events.push({ id, event, data }),
    onComment: (comment) => parsed.comments.push(comment),
  });
  for (const text of decode(chunks)) parser.feed(text);
  return parsed;
}

function splitAt(bytes: Uint8Array, boundaries: readonly number[]): Uint8Array[] {
  const edges = [0, ...boundaries, bytes.length];
  return edges.slice(1).map((end, index) => bytes.subarray(edges[index], end));
}

/** Every boundary `i < j` on a coarse grid, with steps coprime to UTF-8 sequence lengths. */
function threeWayBoundaries(length: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let first = 1; first < length; first += 5) {
    for (let second = first + 1; second < length; second += 7) pairs.push([first, second]);
  }
  return pairs;
}

describe('parsing a recorded stream split anywhere', () => {
  const bytes = recordedStream();
  const whole = parse([bytes]);

  it('parses the recorded stream whole into the logged events and both comments', () => {
    expect(whole.events).toEqual(
      RECORDED_EVENTS.map((event) => ({ id: `${event.seq}`, event: event.type, data: event.json })),
    );
    expect(whole.comments).toEqual(['open', RAW_COMMENT]);
    expect(bytes.length).toBeGreaterThan(new TextDecoder().decode(bytes).length);
  });

  it('parses identical events and comments for every two-way split', () => {
    const mismatches: number[] = [];
    for (let boundary = 0; boundary <= bytes.length; boundary++) {
      const parsed = parse(splitAt(bytes, [boundary]));
      if (JSON.stringify(parsed) !== JSON.stringify(whole)) mismatches.push(boundary);
    }
    expect(mismatches).toEqual([]);
  });

  it('parses identical events and comments for a sample of three-way splits', () => {
    const pairs = threeWayBoundaries(bytes.length);
    expect(pairs.length).toBeGreaterThan(1_000);
    const mismatches = pairs.filter(
      (pair) => JSON.stringify(parse(splitAt(bytes, pair))) !== JSON.stringify(whole),
    );
    expect(mismatches).toEqual([]);
  });

  it('parses identical events when fed one byte at a time', () => {
    const boundaries = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(parse(splitAt(bytes, boundaries))).toEqual(whole);
  });

  it('keeps events intact even for a client that decodes each chunk alone, as data is ASCII', () => {
    let corruptedComments = 0;
    for (let boundary = 0; boundary <= bytes.length; boundary++) {
      const parsed = parse(splitAt(bytes, [boundary]), decodeEachChunk);
      expect(parsed.events).toEqual(whole.events);
      if (JSON.stringify(parsed.comments) !== JSON.stringify(whole.comments)) corruptedComments++;
    }
    expect(corruptedComments).toBeGreaterThan(0);
  });

  it('round-trips every payload through JSON.parse', () => {
    const payloads = whole.events.map((event) => JSON.parse(event.data) as unknown);
    expect(payloads).toEqual(RECORDED_EVENTS.map((event) => JSON.parse(event.json) as unknown));
    expect(payloads[2]).toEqual({ token: '\u65e5\u672c\u8a9e \u{1f30a}\u{1f389}' });
  });
});

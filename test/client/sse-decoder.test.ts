import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseMessage } from '../../src/client/sse-decoder.js';

/**
 * A stream as another server might send it: raw UTF-8 (not sluice's ASCII-only JSON), a BOM,
 * comments, CR, LF and CRLF line ends, multi-line data.
 */
const RECORDED =
  '\uFEFF: open\n\n' +
  'id: 1\nevent: output\ndata: {"token":"h\u00e9llo w\u00f6rld"}\n\n' +
  'id: 2\r\nevent: output\r\ndata: {"token":"\u65e5\u672c\u8a9e \u{1f30a}\u{1f389}"}\r\n\r\n' +
  ': ping \u2014 \u{1f493}\n\n' +
  'id: 3\revent: log\rdata: {"level":"info",\rdata: "message":"na\u00efve","timestamp":"t"}\r\r' +
  'id: 4\nevent: result\ndata: {"text":"\u{1f469}\u200d\u{1f469}\u200d\u{1f467}"}\n\n';

const EXPECTED: SseMessage[] = [
  { id: '1', event: 'output', data: '{"token":"h\u00e9llo w\u00f6rld"}' },
  { id: '2', event: 'output', data: '{"token":"\u65e5\u672c\u8a9e \u{1f30a}\u{1f389}"}' },
  { id: '3', event: 'log', data: '{"level":"info",\n"message":"na\u00efve","timestamp":"t"}' },
  { id: '4', event: 'result', data: '{"text":"\u{1f469}\u200d\u{1f469}\u200d\u{1f467}"}' },
];

const BYTES = new TextEncoder().encode(RECORDED);

function decodeChunks(chunks: readonly Uint8Array[]): SseMessage[] {
  const decoder = new SseDecoder();
  const messages = chunks.flatMap((chunk) => decoder.feed(chunk));
  return [...messages, ...decoder.end()];
}

describe('SseDecoder', () => {
  it('has multi-byte characters in the recorded stream, so splits land inside them', () => {
    expect(BYTES.length).toBeGreaterThan(RECORDED.length + 20);
  });

  it('decodes the recorded stream whole', () => {
    expect(decodeChunks([BYTES])).toEqual(EXPECTED);
  });

  it('decodes the same events when the stream is split at every byte boundary', () => {
    for (let split = 1; split < BYTES.length; split++) {
      const chunks = [BYTES.subarray(0, split), BYTES.subarray(split)];
      expect(decodeChunks(chunks), `split at byte ${split}`).toEqual(EXPECTED);
    }
  });

  it('decodes the same events when split at every pair of byte boundaries', () => {
    for (let first = 1; first < BYTES.length; first += 3) {
      for (let second = first + 1; second < BYTES.length; second += 5) {
        const chunks = [
          BYTES.subarray(0, first),
          BYTES.subarray(first, second),
          BYTES.subarray(second),
        ];
        expect(decodeChunks(chunks), `split at ${first} and ${second}`).toEqual(EXPECTED);
      }
    }
  });

  it('decodes the same events fed one byte at a time', () => {
    const chunks = Array.from(BYTES, (_byte, index) => BYTES.subarray(index, index + 1));
    expect(decodeChunks(chunks)).toEqual(EXPECTED);
  });

  it('returns each message from the feed that completes it, not before', () => {
    const decoder = new SseDecoder();
    const frame = new TextEncoder().encode('id: 7\nevent: output\ndata: 1\n\n');
    expect(decoder.feed(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(decoder.feed(frame.subarray(frame.length - 1))).toEqual([
      { id: '7', event: 'output', data: '1' },
    ]);
  });

  it('drops an unfinished message at the end of the input, as the SSE spec says', () => {
    const decoder = new SseDecoder();
    expect(decoder.feed(new TextEncoder().encode('id: 1\nevent: output\ndata: 1\n'))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });
});

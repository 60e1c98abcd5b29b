/** One parsed SSE frame; comments (`: open`, heartbeats) have `type` `''`. */
export interface SseFrame {
  readonly type: string;
  readonly data: string;
}

const FRAME_END = '\n\n';

function fieldValue(frame: string, name: 'event' | 'data'): string | undefined {
  const prefix = `${name}: `;
  let lineStart = 0;
  if (!frame.startsWith(prefix)) {
    const found = frame.indexOf(`\n${prefix}`);
    if (found === -1) return undefined;
    lineStart = found + 1;
  }
  const valueStart = lineStart + prefix.length;
  const lineEnd = frame.indexOf('\n', valueStart);
  return frame.slice(valueStart, lineEnd === -1 ? frame.length : lineEnd);
}

/**
 * Parses one SSE frame (without its blank line). Benchmark-grade: `\n` line endings, one
 * `data` line, `field: value` with one space; both servers under test write exactly that.
 *
 * @example
 * parseSseFrame('id: 1\nevent: output\ndata: {}'); // { type: 'output', data: '{}' }
 */
export function parseSseFrame(frame: string): SseFrame {
  if (frame.startsWith(':')) return { type: '', data: '' };
  return { type: fieldValue(frame, 'event') ?? 'message', data: fieldValue(frame, 'data') ?? '' };
}

/** A wire dialect other than sluice's own frames. */
export type BenchDialect = 'data' | 'typed';

/** `{"type":"` at the start of a typed frame's data. */
const TYPED_HEAD = '{"type":"';

/**
 * Parses one frame of the `data` or `typed` dialect into the event kind it stands for:
 * typed frames name it; a `data` frame is the firehose's `output` (`{"t":…`), an error
 * (`"code":`) or else the result.
 *
 * @example
 * parseDialectFrame('data: {"type":"output","seq":1}', 'typed'); // { type: 'output', … }
 */
export function parseDialectFrame(frame: string, dialect: BenchDialect): SseFrame {
  if (!frame.startsWith('data: ')) return { type: '', data: '' };
  const data = frame.slice('data: '.length);
  if (dialect === 'typed') {
    const end = data.indexOf('"', TYPED_HEAD.length);
    return { type: data.startsWith(TYPED_HEAD) ? data.slice(TYPED_HEAD.length, end) : '', data };
  }
  if (data.startsWith('{"t":')) return { type: 'output', data };
  return { type: data.includes('"code":') ? 'error' : 'result', data };
}

/**
 * Splits a byte stream into SSE frames on blank lines, across chunk boundaries. Chunks are
 * decoded as latin1, which is lossless for the ASCII-only JSON that both servers send.
 *
 * @example
 * const reader = new SseFrameReader((frame) => count(parseSseFrame(frame)));
 * response.on('data', (chunk: Buffer) => reader.push(chunk));
 */
export class SseFrameReader {
  private pending = '';

  constructor(private readonly onFrame: (frame: string) => void) {}

  push(chunk: Buffer): void {
    const text = chunk.toString('latin1');
    const buffer = this.pending.length === 0 ? text : this.pending + text;
    let frameStart = 0;
    let searchFrom = Math.max(0, this.pending.length - 1);
    for (;;) {
      const frameEnd = buffer.indexOf(FRAME_END, searchFrom);
      if (frameEnd === -1) break;
      this.onFrame(buffer.slice(frameStart, frameEnd));
      frameStart = frameEnd + FRAME_END.length;
      searchFrom = frameStart;
    }
    this.pending = frameStart === 0 ? buffer : buffer.slice(frameStart);
  }
}

import { encodeSseFrame } from '../sse.js';
import type { LoggedEvent } from '../event-types.js';
import { typedFrame, typedJson } from './typed-frame.js';
import type { WireDialect } from './wire-dialect.js';

/**
 * Encodes one event as an SSE frame in a dialect: `sluice` is {@link encodeSseFrame}'s
 * `id`/`event`/`data` frame; `data` is `data: <payload>` alone; `typed` is
 * `data: {"type": …, …}` (see {@link typedJson}). Every frame ends with a blank line and is
 * written whole, never split across writes.
 *
 * @example
 * encodeDialectFrame('data', { seq: 1, type: 'output', json: '{"token":"hi"}' });
 * // 'data: {"token":"hi"}\n\n'
 */
export function encodeDialectFrame(dialect: WireDialect, event: LoggedEvent): string {
  switch (dialect) {
    case 'sluice':
      return encodeSseFrame(event);
    case 'data':
      return `data: ${event.json}\n\n`;
    case 'typed':
      return typedFrame(event);
  }
}

/**
 * Encodes events as consecutive frames of a dialect, for one socket write.
 *
 * @example
 * encodeDialectFrames('typed', batch.events);
 */
export function encodeDialectFrames(dialect: WireDialect, events: readonly LoggedEvent[]): string {
  let frames = '';
  for (const event of events) frames += encodeDialectFrame(dialect, event);
  return frames;
}

/**
 * The frame that ends a stream whose reading failed: an `error` event without an id (the
 * client resumes from the last id it saw), in the stream's dialect.
 *
 * @example
 * encodeStreamFailure('sluice', '{"code":"internal",…}'); // 'event: error\ndata: {…}\n\n'
 */
export function encodeStreamFailure(dialect: WireDialect, errorJson: string): string {
  switch (dialect) {
    case 'sluice':
      return `event: error\ndata: ${errorJson}\n\n`;
    case 'data':
      return `data: ${errorJson}\n\n`;
    case 'typed':
      return `data: ${typedJson({ type: 'error', json: errorJson })}\n\n`;
  }
}

import { EVENT_TYPES, type LoggedEvent } from './event-types.js';

const LINE_BREAK = /[\r\n]/;
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Encodes one event as a Server-Sent Events frame: `id`, `event` and `data`, ended by a
 * blank line. `json` must be single-line JSON (as {@link toAsciiJson} makes it).
 *
 * @example
 * encodeSseFrame({ seq: 1, type: 'output', json: '{"token":"hi"}' });
 * // 'id: 1\nevent: output\ndata: {"token":"hi"}\n\n'
 */
export function encodeSseFrame(event: LoggedEvent): string {
  if (!KNOWN_TYPES.has(event.type)) throw new TypeError('SSE event type is not one of sluice’s');
  if (LINE_BREAK.test(event.json)) throw new TypeError('SSE data must be a single line');
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${event.json}\n\n`;
}

/**
 * Encodes events as consecutive frames, for one socket write.
 *
 * @example
 * encodeSseFrames(batch.events);
 */
export function encodeSseFrames(events: readonly LoggedEvent[]): string {
  let frames = '';
  for (const event of events) frames += encodeSseFrame(event);
  return frames;
}

/**
 * Encodes an SSE comment line, which clients ignore: used for `: open` and heartbeats.
 *
 * @example
 * encodeSseComment('open'); // ': open\n\n'
 */
export function encodeSseComment(text: string): string {
  if (LINE_BREAK.test(text)) throw new TypeError('SSE comments must be a single line');
  return `: ${text}\n\n`;
}

/** The fixed response headers of every sluice event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

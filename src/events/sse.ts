import { EVENT_TYPES, type LoggedEvent } from './event-types.js';

const LINE_BREAK = /[\r\n]/;
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
/** Bytes of a frame around its JSON: `id: `, the seq, `event: `, the type, `data: `, line ends. */
const FRAME_OVERHEAD = 48;

/**
 * Encodes one event as a Server-Sent Events frame: `id`, `event` and `data`, ended by a
 * blank line. `json` must be JSON as {@link toAsciiJson} makes it, which never holds a raw
 * line break: it is not scanned again here, on the hot path of every cursor.
 *
 * @example
 * encodeSseFrame({ seq: 1, type: 'output', json: '{"token":"hi"}' });
 * // 'id: 1\nevent: output\ndata: {"token":"hi"}\n\n'
 */
export function encodeSseFrame(event: LoggedEvent): string {
  if (!KNOWN_TYPES.has(event.type)) throw new TypeError('SSE event type is not one of sluice’s');
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
 * Splits events into groups of whole frames for socket writes: consecutive small frames
 * share a group of at most about `groupBytes` (default 64 KiB); a larger frame is a group of
 * its own. No frame is ever split across writes.
 *
 * @example
 * for (const group of groupForWrites(batch.events)) socket.write(encodeSseFrames(group));
 */
export function groupForWrites(
  events: readonly LoggedEvent[],
  groupBytes = 64 * 1024,
): LoggedEvent[][] {
  const groups: LoggedEvent[][] = [];
  let group: LoggedEvent[] = [];
  let size = 0;
  for (const event of events) {
    const frameSize = event.json.length + FRAME_OVERHEAD;
    if (group.length > 0 && size + frameSize > groupBytes) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(event);
    size += frameSize;
  }
  if (group.length > 0) groups.push(group);
  return groups;
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
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

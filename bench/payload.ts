import { wallClockMs } from './clock.js';

/** The input both servers take: the firehose app's schema, and the baseline's JSON body. */
export interface FirehoseInput {
  readonly events: number;
  readonly bytes: number;
  readonly interval_ms: number;
  readonly idle: boolean;
}

/** What each output event carries, on both servers. */
export interface FirehosePayload {
  readonly t: number;
  readonly seq: number;
  readonly pad: string;
}

/** Characters of `{"t":1700000000000.123,"seq":123456,"pad":""}` around the padding. */
const PAYLOAD_OVERHEAD = 46;

const padCache = new Map<number, string>();

/**
 * The padding that makes a {@link FirehosePayload} about `bytes` long as JSON (ASCII only),
 * built once per size.
 *
 * @example
 * JSON.stringify(makePayload(1, makePad(100))).length; // about 100
 */
export function makePad(bytes: number): string {
  let pad = padCache.get(bytes);
  if (pad === undefined) {
    pad = 'x'.repeat(Math.max(0, bytes - PAYLOAD_OVERHEAD));
    padCache.set(bytes, pad);
  }
  return pad;
}

/**
 * One output event's payload, stamped with the time it is made.
 *
 * @example
 * const payload = makePayload(seq, makePad(input.bytes));
 */
export function makePayload(seq: number, pad: string): FirehosePayload {
  return { t: wallClockMs(), seq, pad };
}

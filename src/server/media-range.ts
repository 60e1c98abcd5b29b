import { SluiceError } from '../errors/sluice-error.js';

/** The bytes a `Range` header asks for: from `start`, up to and including `end` if given. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

const RANGE = /^bytes=(\d{1,15})-(\d{0,15})$/;

/**
 * Parses a single `Range: bytes=N-` or `bytes=N-M`; undefined when there is none. Anything
 * else (several ranges, suffix ranges, another unit) is refused with 416
 * `range_not_satisfiable`.
 *
 * @example
 * parseByteRange('bytes=1024-'); // { start: 1024 }
 */
export function parseByteRange(header: unknown): ByteRange | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  const match = RANGE.exec(header.trim());
  if (!match) throw unsatisfiable();
  const start = Number(match[1]);
  const end = match[2] ? Number(match[2]) : undefined;
  if (end !== undefined && end < start) throw unsatisfiable();
  return { start, end };
}

/**
 * The 416 error of a range the bytes cannot satisfy.
 *
 * @example
 * throw unsatisfiable();
 */
export function unsatisfiable(): SluiceError {
  return new SluiceError('range_not_satisfiable', 'The Range is not one the media view can serve');
}

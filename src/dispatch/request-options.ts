import { SluiceError } from '../errors/sluice-error.js';
import { beginRequestTrace, type RequestTrace } from './request-trace.js';

/** How a request asks to be queued: from its headers, checked. */
export interface QueueOptions {
  /** Higher starts first; `0` is normal. */
  readonly priority: number;
  /** End the request with `timeout` if it has not started within this many seconds. */
  readonly startTimeoutSeconds: number | undefined;
  /** End the run with `timeout` after this many seconds; it only shortens the app's deadline. */
  readonly runTimeoutSeconds: number | undefined;
  /** `cache-control: no-cache`: skip the endpoint's response cache. */
  readonly bypassCache?: boolean;
  /** The request's trace (continuing the client's `traceparent`), while tracing is on. */
  readonly trace?: RequestTrace;
}

/** Whether a `cache-control` header asks for no cached answer. */
function noCache(headers: Readonly<Record<string, unknown>>): boolean {
  const value = headers['cache-control'];
  return typeof value === 'string' && /(^|,)\s*no-(cache|store)\s*(,|$)/i.test(value);
}

/** The largest `x-sluice-priority`, either way: priorities run from -1000 to 1000. */
export const MAX_PRIORITY = 1000;
const FAL_PRIORITIES: ReadonlyMap<string, number> = new Map([
  ['normal', 0],
  ['low', -1],
]);
const MAX_SECONDS = 24 * 60 * 60;
/** The client's run deadline, in seconds: it shortens the endpoint's deadline, never lengthens it. */
export const RUN_TIMEOUT_HEADER = 'x-sluice-run-timeout';
/** Decimal digits only: `Number()` would also take `0x10`, `1e3` and ` `. */
const INTEGER = /^[+-]?\d{1,4}$/;

function headerError(header: string, message: string, type: string): SluiceError {
  return new SluiceError('invalid_input', `${header} ${message}`, {
    fields: [{ loc: ['header', header], msg: message, type }],
  });
}

function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[0] as unknown);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function parsePriority(headers: Readonly<Record<string, unknown>>): number {
  const sluice = single(headers['x-sluice-priority']);
  if (sluice !== undefined) {
    const priority = INTEGER.test(sluice) ? Number(sluice) : Number.NaN;
    if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY)
      throw headerError(
        'x-sluice-priority',
        `must be an integer from -${MAX_PRIORITY} to ${MAX_PRIORITY}`,
        'int_parsing',
      );
    return priority;
  }
  const fal = single(headers['x-fal-queue-priority']);
  if (fal === undefined) return 0;
  // A Map, not an object: `__proto__` or `constructor` must not find the object's own keys.
  const priority = FAL_PRIORITIES.get(fal.toLowerCase());
  if (priority === undefined)
    throw headerError('x-fal-queue-priority', 'must be "normal" or "low"', 'enum');
  return priority;
}

/** A header holding seconds, more than 0 and at most a day; a malformed one is `invalid_input`. */
function parseSeconds(
  headers: Readonly<Record<string, unknown>>,
  header: string,
): number | undefined {
  const raw = single(headers[header]);
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!(seconds > 0 && seconds <= MAX_SECONDS))
    throw headerError(
      header,
      `must be a number of seconds from 0 to ${MAX_SECONDS}`,
      'float_parsing',
    );
  return seconds;
}

/**
 * Reads a request's queue options from its headers: `x-sluice-priority` (an integer,
 * higher first) or fal's `x-fal-queue-priority` (`normal`, `low`), and fal's start timeout
 * `x-fal-request-timeout` (seconds), and the run deadline `x-sluice-run-timeout` (seconds,
 * which only shortens the endpoint's `timeoutSeconds`). A malformed header is `invalid_input`.
 *
 * @example
 * parseQueueOptions({ 'x-fal-queue-priority': 'low' }).priority; // -1
 * parseQueueOptions({ 'x-sluice-run-timeout': '30' }).runTimeoutSeconds; // 30
 */
export function parseQueueOptions(headers: Readonly<Record<string, unknown>>): QueueOptions {
  const options = {
    priority: parsePriority(headers),
    startTimeoutSeconds: parseSeconds(headers, 'x-fal-request-timeout'),
    runTimeoutSeconds: parseSeconds(headers, RUN_TIMEOUT_HEADER),
    trace: beginRequestTrace(headers),
  };
  return noCache(headers) ? { ...options, bypassCache: true } : options;
}

import { MAX_PRIORITY } from '../dispatch/request-options.js';

export { MAX_PRIORITY };

/** Room for the FIFO counter below each priority in an index score (2^41 enqueues). */
export const COUNTER_SPAN = 2 ** 41;

/**
 * Refuses a priority the BullMQ queue cannot order: not an integer, or beyond
 * ±{@link MAX_PRIORITY}.
 *
 * @example
 * checkPriority(5); // fine
 * checkPriority(0.5); // throws TypeError
 */
export function checkPriority(priority: number): void {
  if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY)
    throw new TypeError(`Priority must be an integer from -${MAX_PRIORITY} to ${MAX_PRIORITY}`);
}

/**
 * sluice's priority (higher first) as BullMQ's (lower first, from 1; `0` would mean "no
 * priority", which BullMQ runs before every prioritized job, so it is never used).
 *
 * @example
 * bullPriority(MAX_PRIORITY); // 1
 * bullPriority(-MAX_PRIORITY); // 2001
 */
export function bullPriority(priority: number): number {
  return MAX_PRIORITY - priority + 1;
}

/**
 * A score for the queue's own sorted sets: priority descending, then `counter` (an INCR,
 * so FIFO) ascending. Exact in a double: at most 2000 · 2^41 + 2^41 < 2^53.
 *
 * @example
 * indexScore(0, 7) < indexScore(-1, 1); // true: priority 0 starts before priority -1
 */
export function indexScore(priority: number, counter: number): number {
  return (MAX_PRIORITY - priority) * COUNTER_SPAN + counter;
}

import type { RetryOptions } from './client-types.js';

/** A resume policy with every default filled in. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A number in [0, 1): `Math.random` unless a test fixes it. */
  readonly random: () => number;
}

/** The default policy's values: at most about 3 s of waiting, inside the server's 5 s grace. */
export const DEFAULT_RETRY: Omit<RetryPolicy, 'random'> = {
  attempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
};

function checkCount(name: string, value: number, minimum: number): number {
  if (!Number.isFinite(value) || value < minimum) {
    throw new TypeError(`retry.${name} must be a number of at least ${minimum}`);
  }
  return value;
}

/**
 * The retry options with their defaults, checked.
 *
 * @example
 * const policy = retryPolicy({ attempts: 3 });
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    attempts: Math.floor(checkCount('attempts', options.attempts ?? DEFAULT_RETRY.attempts, 0)),
    initialDelayMs: checkCount(
      'initialDelayMs',
      options.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs,
      0,
    ),
    maxDelayMs: checkCount('maxDelayMs', options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs, 0),
    random: Math.random,
  };
}

/**
 * How long to wait before attempt `attempt` (1, 2, 3…): the exponential delay capped at
 * `maxDelayMs`, of which a random half is waited ("equal jitter"), so clients that lost the
 * same server do not reconnect in step.
 *
 * @example
 * backoffDelay(retryPolicy(), 3); // between 200 and 400 ms
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const exponential = policy.initialDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return capped / 2 + (policy.random() * capped) / 2;
}

/**
 * Waits `ms`, or less when `signal` aborts: resolves either way, never rejects.
 *
 * @example
 * await sleep(250, signal);
 * if (signal.aborted) return;
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}

/**
 * The timings and words every request dispatch (in memory or on Redis) shares, kept in
 * one place so that the backends cannot drift apart.
 */

/**
 * What a refused request's `Retry-After` says, in seconds.
 *
 * @example
 * new SluiceError('overloaded', 'Too many requests are waiting', { retryAfterSeconds: RETRY_AFTER_SECONDS });
 */
export const RETRY_AFTER_SECONDS = 1;

/**
 * How long an ended request stays known to its dispatcher (its timings) when the event
 * log says nothing else: ten minutes.
 *
 * @example
 * new TrackedRequests({ retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS });
 */
export const DEFAULT_RETENTION_MS = 10 * 60 * 1000;

/**
 * How long shutdown waits for cancelled runs to write their terminal events.
 *
 * @example
 * await requests.whenIdle(CANCEL_SETTLE_MS);
 */
export const CANCEL_SETTLE_MS = 5_000;

/**
 * How long shutdown waits for webhooks still being delivered, on every backend.
 *
 * @example
 * await aftermath.webhooksSettled(); // at most WEBHOOK_SETTLE_MS
 */
export const WEBHOOK_SETTLE_MS = 5_000;

/**
 * The message of the 503 `app_unavailable` a shutting-down gateway answers, and of the
 * `cancelled` ending of the requests it drops.
 *
 * @example
 * new SluiceError('app_unavailable', SHUTTING_DOWN, { retryAfterSeconds: RETRY_AFTER_SECONDS });
 */
export const SHUTTING_DOWN = 'The server is shutting down';

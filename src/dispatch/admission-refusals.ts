import { SluiceError } from '../errors/sluice-error.js';
import { RETRY_AFTER_SECONDS, SHUTTING_DOWN } from './dispatch-defaults.js';
import type { Submission } from './tracked-request.js';

/**
 * 503 while shutting down, or `undefined`: children of running parents are still taken,
 * as they may let their parents finish. Every dispatcher refuses the same way.
 *
 * @example
 * const refusal = closingRefusal(closing, submission);
 * if (refusal) throw refusal;
 */
export function closingRefusal(closing: boolean, submission: Submission): SluiceError | undefined {
  if (!closing || submission.view === 'child') return undefined;
  return new SluiceError('app_unavailable', SHUTTING_DOWN, {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}

/**
 * The answer to a request its endpoint has no room for: 429 `overloaded`, retry in 1 s.
 *
 * @example
 * throw overloaded();
 */
export function overloaded(): SluiceError {
  return new SluiceError('overloaded', 'Too many requests are waiting for this endpoint', {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}

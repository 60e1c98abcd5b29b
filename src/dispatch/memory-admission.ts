import type { MemoryBudget } from '../events/memory-budget.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Submission } from './tracked-request.js';

/** A check the dispatcher makes before it accepts a request: the error to refuse it with, if any. */
export type AdmissionGuard = (submission: Submission) => SluiceError | undefined;

/** Live runs end within their own caps and free memory soon; a client should not retry at once. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Refuses new requests (503 `app_unavailable` with `Retry-After`) while the memory budget
 * is exhausted, that is while live logs and unappended buffers alone fill it (ended logs
 * have already been dropped to make room). Child runs are let through: their parent was
 * accepted and is running, and refusing them would fail it.
 *
 * @example
 * new Dispatcher({ ...options, admissionGuard: memoryAdmission(processMemoryBudget()) });
 */
export function memoryAdmission(budget: MemoryBudget): AdmissionGuard {
  return (submission) => {
    if (submission.view === 'child' || !budget.exhausted) return undefined;
    return new SluiceError(
      'app_unavailable',
      'The server holds as many events as its memory budget allows; retry later',
      { retryAfterSeconds: RETRY_AFTER_SECONDS },
    );
  };
}

import type { ProgressDetails } from '../app/app-types.js';
import type { ProgressPayload } from '../events/event-types.js';

function fraction(step: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(1, Math.max(0, step / total));
}

function messageOf(details: string | ProgressDetails | undefined): string | undefined {
  if (details === undefined || details === null) return undefined;
  if (typeof details === 'string') return details;
  return details.message === undefined ? undefined : String(details.message);
}

/**
 * The payload of a progress event: step, total, the fraction done and the message if any,
 * the shape fal's pages send (`{step, progress, message}`) plus sluice's `total`.
 *
 * @example
 * progressPayload(5, 20, { message: 'step 5' }); // { step: 5, total: 20, progress: 0.25, message: 'step 5' }
 */
export function progressPayload(
  step: number,
  total: number,
  details?: string | ProgressDetails,
): ProgressPayload {
  const message = messageOf(details);
  const progress = fraction(step, total);
  return message === undefined ? { step, total, progress } : { step, total, progress, message };
}

import type { NewEvent } from '../events/event-types.js';
import { isErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';

/**
 * The error an `error` event carries, as a {@link SluiceError} with its code and message.
 *
 * @example
 * if (terminal.type === 'error') throw errorFromEvent(terminal);
 */
export function errorFromEvent(event: NewEvent): SluiceError {
  const payload = JSON.parse(event.json) as { code?: unknown; message?: unknown };
  const code = isErrorCode(payload.code) ? payload.code : 'internal';
  return new SluiceError(
    code,
    typeof payload.message === 'string' ? payload.message : 'The run failed',
  );
}

/**
 * How a terminal event ended its request: `ok`, or the error's code.
 *
 * @example
 * outcomeOf(terminal); // 'ok' | 'cancelled' | …
 */
export function outcomeOf(event: NewEvent | undefined): string {
  if (!event) return 'unknown';
  return event.type === 'error' ? errorFromEvent(event).code : 'ok';
}

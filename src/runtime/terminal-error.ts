import { toAsciiJson } from '../events/ascii-json.js';
import type { ErrorPayload, NewEvent } from '../events/event-types.js';
import { SluiceError, isSluiceError, toSluiceError } from '../errors/sluice-error.js';
import { isDevMode } from './dev-mode.js';
import { failureDetail, markWrapper } from './failure-detail.js';

/**
 * What a run's failure becomes on the wire. A SluiceError the app threw keeps its code and
 * message; any other exception becomes `app_error` naming only its class, since its message
 * may hold secrets. The original stays in `cause` for the server's logs.
 *
 * @example
 * toTerminalError(new TypeError('x')).message; // 'The app raised TypeError'
 */
export function toTerminalError(thrown: unknown): SluiceError {
  if (isSluiceError(thrown)) return toSluiceError(thrown);
  const name = thrown instanceof Error ? thrown.name : typeof thrown;
  return markWrapper(new SluiceError('app_error', `The app raised ${name}`, { cause: thrown }));
}

/**
 * The terminal `error` event of a failed request. In dev mode it also carries `debug`:
 * the app's own message, stack and causes.
 *
 * @example
 * terminalErrorEvent(new SluiceError('cancelled', 'Cancelled'), requestId);
 */
export function terminalErrorEvent(error: SluiceError, requestId: string): NewEvent {
  const payload: ErrorPayload = {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    request_id: requestId,
    ...(isDevMode() && error.code !== 'cancelled' ? { debug: failureDetail(error) } : {}),
  };
  return { type: 'error', json: toAsciiJson(payload) };
}

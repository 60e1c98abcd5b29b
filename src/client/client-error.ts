import { isErrorCode, type ErrorCode } from '../errors/error-codes.js';
import { SluiceError, type FieldError } from '../errors/sluice-error.js';

declare module '../errors/sluice-error.js' {
  interface SluiceError {
    /** The request the error belongs to, when the client learned its id (client errors only). */
    readonly requestId?: string;
    /** How many times the client tried to reconnect before it gave up (client errors only). */
    readonly attempts?: number;
  }
}

/** What the client knows about an error besides its code and message. */
export interface ClientErrorDetails {
  readonly requestId?: string | undefined;
  /** Overrides the code's own retryability (an `error` event says it, a network error is). */
  readonly retryable?: boolean;
  readonly fields?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
  readonly attempts?: number;
  readonly cause?: unknown;
}

function setOwn(error: SluiceError, name: string, value: unknown): void {
  Object.defineProperty(error, name, { value, enumerable: true, configurable: true });
}

/**
 * A {@link SluiceError} as the client raises it: with the request's id, and retryability as
 * the server or the failure decided it.
 *
 * @example
 * throw clientError('cancelled', 'The stream was aborted', { requestId });
 */
export function clientError(
  code: ErrorCode,
  message: string,
  details: ClientErrorDetails = {},
): SluiceError {
  const error = new SluiceError(code, message, {
    cause: details.cause,
    fields: details.fields,
    retryAfterSeconds: details.retryAfterSeconds,
  });
  setOwn(error, 'requestId', details.requestId);
  if (details.retryable !== undefined) setOwn(error, 'retryable', details.retryable);
  if (details.attempts !== undefined) setOwn(error, 'attempts', details.attempts);
  return error;
}

/**
 * The error of an `error` event's data.
 *
 * @example
 * errorFromEventData({ code: 'timeout', message: 'Too slow', retryable: true, request_id: 'abc' });
 */
export function errorFromEventData(data: unknown, requestId: string | undefined): SluiceError {
  const payload = (typeof data === 'object' && data !== null ? data : {}) as Record<
    string,
    unknown
  >;
  const code = isErrorCode(payload.code) ? payload.code : 'internal';
  const message = typeof payload.message === 'string' ? payload.message : 'The request failed';
  const id = typeof payload.request_id === 'string' ? payload.request_id : requestId;
  const retryable = typeof payload.retryable === 'boolean' ? payload.retryable : undefined;
  return clientError(code, message, { requestId: id, retryable });
}

/**
 * The error of an aborted call.
 *
 * @example
 * signal.aborted && cancelledError(requestId);
 */
export function cancelledError(requestId: string | undefined): SluiceError {
  return clientError('cancelled', 'The call was aborted', { requestId, retryable: false });
}

/**
 * The error of a request that never got an answer: the server could not be reached, or the
 * connection failed before the response head. Retryable, but the run may have started.
 *
 * @example
 * fetch(url).catch((cause) => Promise.reject(networkError(cause)));
 */
export function networkError(cause: unknown, requestId?: string): SluiceError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return clientError('app_unavailable', `Could not reach the server: ${reason}`, {
    requestId,
    retryable: true,
    cause,
  });
}

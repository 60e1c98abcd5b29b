/**
 * The closed set of error codes and the one HTTP status each maps to. Every code is
 * documented in `docs/errors.md`; a test keeps the two in step.
 *
 * @example
 * ERROR_STATUS.invalid_input; // 422
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  bad_request: 400,
  unauthorized: 401,
  request_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  request_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  invalid_input: 422,
  overloaded: 429,
  headers_too_large: 431,
  cancelled: 499,
  app_error: 500,
  event_log_full: 500,
  internal: 500,
  prepare_failed: 502,
  app_unavailable: 503,
  worker_lost: 503,
  timeout: 504,
} as const satisfies Record<string, number>;

/** One of the codes in {@link ERROR_STATUS}. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes whose request a client may simply retry. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  'app_unavailable',
  'overloaded',
  'timeout',
  'worker_lost',
]);

/**
 * The HTTP status of an error code.
 *
 * @example
 * httpStatusOf('invalid_input'); // 422
 */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/**
 * Whether a request that failed with this code may be retried as it is.
 *
 * @example
 * isRetryable('timeout'); // true
 */
export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/**
 * Whether a string is one of sluice's error codes.
 *
 * @example
 * isErrorCode('cancelled'); // true
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

import { httpStatusOf, isErrorCode, isRetryable, type ErrorCode } from './error-codes.js';

/** One field problem in an `invalid_input` error, in FastAPI's shape (fal uses it too). */
export interface FieldError {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** Options of a {@link SluiceError}. */
export interface SluiceErrorOptions {
  readonly cause?: unknown;
  readonly fields?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
}

/** The JSON body of an HTTP error answer. */
export interface ErrorBody {
  readonly detail: string | readonly FieldError[];
  readonly error_type: ErrorCode;
  readonly code: ErrorCode;
}

const BRAND = Symbol.for('sluice.error');

/**
 * The one error class of sluice's public paths: a closed `code`, its HTTP `status`, and a
 * message that is safe to send to clients (never user input, never secrets).
 *
 * @example
 * throw new SluiceError('not_found', 'No app is served at this path');
 */
export class SluiceError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly fields: readonly FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  get retryable(): boolean {
    return isRetryable(this.code);
  }

  toJSON(): ErrorBody {
    return { detail: this.fields ?? this.message, error_type: this.code, code: this.code };
  }
}

/**
 * Any thrown value as a {@link SluiceError}: a SluiceError stays itself, anything else
 * becomes `internal` with the original kept as `cause` (for the logs, never the client).
 *
 * @example
 * const error = toSluiceError(caught);
 */
export function toSluiceError(value: unknown): SluiceError {
  if (value instanceof SluiceError) return value;
  if (isSluiceError(value)) return adopt(value);
  return new SluiceError('internal', 'Internal server error', { cause: value });
}

/**
 * Whether a value is a SluiceError from any copy of sluice: an app file may load its own
 * copy of the package, and its errors must keep their codes.
 *
 * @example
 * if (isSluiceError(thrown)) reply.code(thrown.status);
 */
export function isSluiceError(value: unknown): value is SluiceError {
  return (
    typeof value === 'object' &&
    value !== null &&
    BRAND in value &&
    isErrorCode((value as { code?: unknown }).code)
  );
}

function adopt(foreign: SluiceError): SluiceError {
  return new SluiceError(foreign.code, foreign.message, {
    cause: foreign.cause,
    fields: foreign.fields,
    retryAfterSeconds: foreign.retryAfterSeconds,
  });
}

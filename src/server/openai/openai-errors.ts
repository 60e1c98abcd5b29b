import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../errors/error-codes.js';
import type { FieldError, SluiceError } from '../../errors/sluice-error.js';
import { sendShapedError } from '../error-reply.js';

/** An error as OpenAI's API answers it, which its SDKs read into an `APIError`. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    /** OpenAI's kind of error, by status: `invalid_request_error`, `server_error`… */
    readonly type: string;
    /** The request field at fault, when one is. */
    readonly param: string | null;
    /** sluice's error code (docs/errors.md). */
    readonly code: ErrorCode;
  };
}

const TYPES_BY_STATUS: Readonly<Record<number, string>> = {
  401: 'authentication_error',
  403: 'permission_error',
  429: 'rate_limit_error',
};

/**
 * OpenAI's error type for an HTTP status: `authentication_error` (401),
 * `permission_error` (403), `rate_limit_error` (429), `server_error` (5xx), else
 * `invalid_request_error`.
 *
 * @example
 * openAiErrorType(422); // 'invalid_request_error'
 */
export function openAiErrorType(status: number): string {
  return TYPES_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
}

/** A field's path without the leading `body`: `messages.0.content`. */
function fieldPath(field: FieldError): string {
  const path = field.loc[0] === 'body' ? field.loc.slice(1) : field.loc;
  return path.map(String).join('.');
}

function fieldsMessage(fields: readonly FieldError[]): string {
  const [first] = fields;
  if (!first) return 'The request is not valid';
  const more = fields.length - 1;
  const path = fieldPath(first);
  return `${path ? `${path}: ` : ''}${first.msg}${more > 0 ? ` (and ${more} more)` : ''}`;
}

function paramOf(error: SluiceError): string | null {
  // On the chat route, the only thing that can be missing is the model.
  if (error.code === 'not_found') return 'model';
  const first = error.fields?.[0];
  return first ? fieldPath(first) || null : null;
}

/**
 * A sluice error in OpenAI's shape, `{error: {message, type, param, code}}`: `code` is
 * sluice's code, `type` OpenAI's for its status, `param` the first field at fault.
 *
 * @example
 * openAiErrorBody(new SluiceError('not_found', 'No chat model is served by this name'));
 * // { error: { message: '…', type: 'invalid_request_error', param: 'model', code: 'not_found' } }
 */
export function openAiErrorBody(error: SluiceError): OpenAiErrorBody {
  const message = error.fields ? fieldsMessage(error.fields) : error.message;
  const { code, status } = error;
  return { error: { message, type: openAiErrorType(status), param: paramOf(error), code } };
}

/**
 * Answers an error of the OpenAI view with the code's status and OpenAI's error body.
 *
 * @example
 * return sendOpenAiError(reply, error, context.logger);
 */
export function sendOpenAiError(
  reply: FastifyReply,
  thrown: unknown,
  logger: Logger,
): FastifyReply {
  return sendShapedError(reply, thrown, { logger, shape: openAiErrorBody, authScheme: 'Bearer' });
}

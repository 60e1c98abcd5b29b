import type { FastifyError, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { SluiceError, isSluiceError, toSluiceError } from '../errors/sluice-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import type { AuthScheme } from './api-keys.js';
import { releaseBodyGuard } from './body-guard.js';
import { refuseBody } from './close-after-answer.js';

const FASTIFY_CODES: Readonly<Record<string, [ErrorCode, string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the input as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'invalid_json',
    'The Content-Length does not match the body',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is larger than the limit'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The body is empty but its type is JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The body is not valid JSON'],
  FST_ERR_BAD_URL: ['not_found', 'Nothing is served at this path'],
};

/** Any other client error Fastify raises, by its status (a parameter too long is a 414). */
const FASTIFY_STATUSES: Readonly<Record<number, [ErrorCode, string]>> = {
  400: ['bad_request', 'The request is not valid HTTP'],
  404: ['not_found', 'Nothing is served at this path'],
  405: ['method_not_allowed', 'This method is not served here'],
  408: ['request_timeout', 'The request did not arrive in time'],
  413: ['payload_too_large', 'The request body is larger than the limit'],
  414: ['not_found', 'Nothing is served at this path'],
  415: ['unsupported_media_type', 'Send the input as application/json'],
  431: ['headers_too_large', 'The request headers are larger than the limit'],
};

/** Answers given before the body was read: the connection cannot carry another request. */
const CLOSING_CODES: ReadonlySet<ErrorCode> = new Set(['payload_too_large', 'request_timeout']);

function fastifyKnown(error: Partial<FastifyError>): [ErrorCode, string] | undefined {
  if (!error.code?.startsWith('FST_')) return undefined;
  return FASTIFY_CODES[error.code] ?? FASTIFY_STATUSES[error.statusCode ?? 0];
}

/**
 * Maps what Fastify or a handler threw to a {@link SluiceError}. Fastify's body-parsing
 * failures get their own codes, its other client errors the code of their status; JSON
 * syntax errors are `invalid_json`.
 *
 * @example
 * const error = fromFastifyError(thrown);
 */
export function fromFastifyError(thrown: unknown): SluiceError {
  if (isSluiceError(thrown)) return toSluiceError(thrown);
  const fastifyError = thrown as Partial<FastifyError>;
  const known = fastifyKnown(fastifyError);
  if (known) return new SluiceError(known[0], known[1], { cause: thrown });
  if (thrown instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new SluiceError('invalid_json', 'The body is not valid JSON', { cause: thrown });
  }
  return toSluiceError(thrown);
}

/** How an error answer's body reads: sluice's own, or a view's (the OpenAI view's). */
export type ErrorShape = (error: SluiceError) => unknown;

/** sluice's error body, `{detail, error_type, code}`. */
const SLUICE_SHAPE: ErrorShape = (error) => error.toJSON();

/**
 * Answers an HTTP error: the status of its code and `{detail, error_type, code}`. An `internal` error is logged with its cause; the client sees only
 * the safe message. A body refused before it was read whole (too large, too slow) is
 * answered with `connection: close`, in sluice's shape, and the connection closes only
 * after the client could read it.
 *
 * @example
 * return sendError(reply, new SluiceError('not_found', 'No app is served at this path'), logger);
 */
export function sendError(reply: FastifyReply, thrown: unknown, logger: Logger): FastifyReply {
  return sendShapedError(reply, thrown, { logger, shape: SLUICE_SHAPE });
}

/**
 * {@link sendError} with the body a view gives its errors (the status and headers are
 * the code's, as for every view).
 *
 * @example
 * return sendShapedError(reply, error, { logger, shape: openAiErrorBody });
 */
export function sendShapedError(
  reply: FastifyReply,
  thrown: unknown,
  how: { readonly logger: Logger; readonly shape: ErrorShape; readonly authScheme?: AuthScheme },
): FastifyReply {
  const { logger, shape } = how;
  const error = fromFastifyError(thrown);
  if (error.code === 'internal') logger.error({ err: error.cause ?? error }, 'internal error');
  if (CLOSING_CODES.has(error.code) && !reply.request.raw.complete && reply.raw.socket) {
    reply.hijack();
    releaseBodyGuard(reply.request.raw);
    refuseBody(reply.request.raw, error);
    return reply;
  }
  if (error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(error.retryAfterSeconds));
  if (error.code === 'unauthorized') reply.header('www-authenticate', how.authScheme ?? 'Key');
  return reply.code(error.status).type('application/json').send(shape(error));
}

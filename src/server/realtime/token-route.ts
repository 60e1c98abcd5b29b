import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../../errors/sluice-error.js';
import type { GatewayContext } from '../gateway-context.js';
import type { RealtimeTokens } from './realtime-tokens.js';

/** Seconds a token lives unless asked otherwise: fal's client asks for 120. */
export const DEFAULT_TOKEN_SECONDS = 120;
/** The longest life a token may ask for. */
export const MAX_TOKEN_SECONDS = 3600;
const MAX_APPS = 100;
const MAX_APP_LENGTH = 200;

function field(name: string, message: string, type: string): SluiceError {
  return new SluiceError('invalid_input', `${name} ${message}`, {
    fields: [{ loc: ['body', name], msg: message, type }],
  });
}

function readTokenRequest(body: unknown): { apps: string[]; seconds: number } {
  const { allowed_apps: apps, token_expiration: seconds = DEFAULT_TOKEN_SECONDS } = (body ??
    {}) as Record<string, unknown>;
  const validApp = (app: unknown) =>
    typeof app === 'string' && app.length > 0 && app.length <= MAX_APP_LENGTH;
  if (!Array.isArray(apps) || apps.length === 0 || apps.length > MAX_APPS || !apps.every(validApp))
    throw field('allowed_apps', `must be a list of 1 to ${MAX_APPS} app ids`, 'list_type');
  if (
    typeof seconds !== 'number' ||
    !Number.isInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_TOKEN_SECONDS
  )
    throw field(
      'token_expiration',
      `must be an integer from 1 to ${MAX_TOKEN_SECONDS}`,
      'int_parsing',
    );
  return { apps: apps as string[], seconds };
}

/**
 * `POST /tokens/`: issues a short-lived realtime token for the caller's key, scoped to the
 * apps named. The request and answer have fal's shapes (`{allowed_apps, token_expiration}`
 * in, the token as a JSON string out), so `@fal-ai/client`'s `fal.realtime.connect` gets
 * its token from sluice through the usual URL rewrite.
 *
 * @example
 * registerTokenRoute(fastify, context, tokens);
 */
export function registerTokenRoute(
  fastify: FastifyInstance,
  _context: GatewayContext,
  tokens: RealtimeTokens,
): void {
  const issue = async (request: FastifyRequest, reply: FastifyReply) => {
    const { apps, seconds } = readTokenRequest(request.body);
    // Not rounded: a token lives its whole `token_expiration`, whenever in a second it was issued.
    const expiresAt = Date.now() / 1000 + seconds;
    const token = tokens.issue({ owner: request.owner, apps, expiresAt });
    return reply.code(200).type('application/json').send(JSON.stringify(token));
  };
  fastify.post('/tokens/', { config: { auth: true } }, issue);
  fastify.post('/tokens', { config: { auth: true } }, issue);
}

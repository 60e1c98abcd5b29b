import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Which web pages on other origins may call the API. */
export interface CorsPolicy {
  /** Allowed origins (`https://app.example.com`), or `'*'` for any (never with credentials). */
  readonly origins: readonly string[] | '*';
}

/** Every method a route of the API answers. */
const METHODS = 'GET, HEAD, POST, PUT, DELETE';
/**
 * Request headers a page may send when its preflight does not name them: keys, JSON bodies,
 * stream resumption, fal's options. A preflight that names headers may send those (the
 * origin is what is checked): SDKs add their own, such as OpenAI's `X-Stainless-*`.
 */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'last-event-id',
  'x-fal-request-timeout',
  'x-sluice-priority',
].join(', ');
/** Response headers a page may read. */
const EXPOSED_HEADERS = [
  'x-request-id',
  'x-fal-request-id',
  'x-fal-error-type',
  'x-fal-request-timeout-type',
  'retry-after',
  'allow',
].join(', ');
const PREFLIGHT_MAX_AGE_SECONDS = '600';
/** A list of header names, as `Access-Control-Request-Headers` carries it. */
const HEADER_NAMES = /^[\w-]+(?:\s*,\s*[\w-]+)*$/;

/**
 * Parses `--cors-origin`: a comma-separated list of origins, or `*`. Each origin is
 * `scheme://host[:port]` with nothing after; `*` cannot be mixed with others.
 *
 * @example
 * parseCorsOrigins('https://a.example, http://localhost:5173'); // ['https://a.example', 'http://localhost:5173']
 */
export function parseCorsOrigins(text: string): readonly string[] | '*' {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.includes('*')) {
    if (entries.length > 1) throw new TypeError('--cors-origin * cannot be combined with origins');
    return '*';
  }
  if (entries.length === 0) throw new TypeError('--cors-origin needs an origin or *');
  return entries.map(checkOrigin);
}

function checkOrigin(origin: string): string {
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, ''))
    throw new TypeError(
      `--cors-origin "${origin}" must be an origin such as https://app.example.com (no path)`,
    );
  return url.origin;
}

function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (policy.origins === '*') return '*';
  return policy.origins.includes(origin) ? origin : undefined;
}

function isPreflight(request: FastifyRequest): boolean {
  return (
    request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined
  );
}

function allowedHeaders(request: FastifyRequest): string {
  const asked = request.headers['access-control-request-headers'];
  return typeof asked === 'string' && HEADER_NAMES.test(asked) ? asked : ALLOWED_HEADERS;
}

function answerPreflight(request: FastifyRequest, reply: FastifyReply): void {
  reply.raw.setHeader('access-control-allow-methods', METHODS);
  reply.raw.setHeader('access-control-allow-headers', allowedHeaders(request));
  reply.raw.appendHeader('vary', 'Access-Control-Request-Headers');
  reply.raw.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
  void reply.code(204).send();
}

/**
 * Answers CORS for every route: preflights (`OPTIONS` with `Access-Control-Request-Method`)
 * get 204 with the API's methods and headers; every answer to an allowed origin carries
 * `Access-Control-Allow-Origin` and exposes `x-request-id`. Headers go on the raw
 * response, so the event streams (written by hand) carry them too. No credentials: keys
 * travel in `Authorization`, never in cookies. Off unless a policy is given.
 *
 * @example
 * installCors(fastify, { origins: ['https://app.example.com'] });
 */
export function installCors(fastify: FastifyInstance, policy: CorsPolicy | undefined): void {
  if (!policy) return;
  fastify.addHook('onRequest', (request, reply, done) => {
    const origin = allowedOrigin(policy, request.headers.origin);
    if (origin === undefined) return done();
    reply.raw.setHeader('access-control-allow-origin', origin);
    if (origin !== '*') reply.raw.setHeader('vary', 'Origin');
    if (!isPreflight(request)) {
      reply.raw.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      return done();
    }
    answerPreflight(request, reply);
  });
}

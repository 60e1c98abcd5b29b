import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../gateway-context.js';
import { registerRealtimeRoute, type RealtimeConnections } from './realtime-route.js';
import { RealtimeTokens, tokenSecretOf } from './realtime-tokens.js';
import { registerTokenRoute } from './token-route.js';

/**
 * The realtime view and its tokens: `GET …/realtime` (WebSocket) and `POST /tokens/`,
 * signing with `tokenSecret`, else a secret derived from the API keys.
 *
 * @example
 * const connections = registerRealtimeViews(fastify, context, { apiKeys: ['key-1'] });
 */
export function registerRealtimeViews(
  fastify: FastifyInstance,
  context: GatewayContext,
  options: { readonly tokenSecret?: string; readonly apiKeys?: readonly string[] },
): RealtimeConnections {
  const tokens = new RealtimeTokens(tokenSecretOf(options.tokenSecret, options.apiKeys ?? []));
  registerTokenRoute(fastify, context, tokens);
  return registerRealtimeRoute(fastify, context, tokens);
}

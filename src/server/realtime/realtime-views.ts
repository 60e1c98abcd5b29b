import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../gateway-context.js';
import { registerRealtimeRoute, type RealtimeConnections } from './realtime-route.js';
import type { RealtimeTokens } from './realtime-tokens.js';
import { registerTokenRoute } from './token-route.js';

/**
 * The realtime view and its tokens: `GET …/realtime` (WebSocket) and `POST /tokens/`,
 * issuing and verifying with `tokens` (which the media view verifies too).
 *
 * @example
 * const tokens = new RealtimeTokens(tokenSecretOf(undefined, ['key-1']));
 * const connections = registerRealtimeViews(fastify, context, tokens);
 */
export function registerRealtimeViews(
  fastify: FastifyInstance,
  context: GatewayContext,
  tokens: RealtimeTokens,
): RealtimeConnections {
  registerTokenRoute(fastify, context, tokens);
  return registerRealtimeRoute(fastify, context, tokens);
}

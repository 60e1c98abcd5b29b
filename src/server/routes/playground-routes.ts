import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../gateway-context.js';

/**
 * `GET /` (the playground) and `GET /docs` (API docs from `/openapi.json`).
 *
 * @example
 * registerPlaygroundRoutes(fastify, context);
 */
export function registerPlaygroundRoutes(fastify: FastifyInstance, context: GatewayContext): void {
  void fastify;
  void context;
}

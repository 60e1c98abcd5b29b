import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from './gateway-context.js';

/**
 * `GET /metrics`: the gateway's metrics in Prometheus text format. Open like `/health`:
 * put it behind the network, not a key.
 *
 * @example
 * registerMetricsRoute(fastify, context);
 */
export function registerMetricsRoute(fastify: FastifyInstance, context: GatewayContext): void {
  fastify.get('/metrics', async (_request, reply) => {
    const text = await context.metrics.registry.metrics();
    return reply.type(context.metrics.registry.contentType).send(text);
  });
}

import type { FastifyInstance } from 'fastify';
import type { AppEntry } from '../app-catalog.js';
import type { GatewayContext } from '../gateway-context.js';
import { buildOpenApi } from '../openapi.js';

function catalog(context: GatewayContext): AppEntry[] {
  return context.routes.list().map((app) => ({
    id: app.id,
    description: app.description ?? null,
    status: context.runtime.status(app.id),
    endpoints: context.endpointsOf(app.id),
  }));
}

/**
 * `GET /health`, `/ready`, `/apps` and `/openapi.json`. They need no API key: the
 * playground and docs render from them. Runs do need one.
 *
 * @example
 * registerDiscoveryRoutes(fastify, context);
 */
export function registerDiscoveryRoutes(fastify: FastifyInstance, context: GatewayContext): void {
  let openapi = { generation: -1, document: {} };
  const currentOpenApi = () => {
    const { generation } = context.routes;
    if (openapi.generation === generation) return openapi.document;
    const document = buildOpenApi(context.routes.list(), (app) => context.endpointsOf(app.id));
    openapi = { generation, document };
    return document;
  };
  fastify.get('/health', () => ({ status: 'ok' }));
  fastify.get('/ready', (_request, reply) => {
    const apps = Object.fromEntries(
      context.routes.list().map((app) => [app.id, context.runtime.status(app.id)]),
    );
    // A gateway with no app yet (a Redis gateway before any worker) can serve nothing.
    const statuses = Object.values(apps);
    const ready = statuses.length > 0 && statuses.every((status) => status.state === 'ready');
    return reply.code(ready ? 200 : 503).send({ ready, apps });
  });
  fastify.get('/apps', () => ({ apps: catalog(context) }));
  fastify.get('/openapi.json', currentOpenApi);
}

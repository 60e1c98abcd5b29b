import type { FastifyInstance } from 'fastify';
import { publicStatus, type AppEntry } from '../app-catalog.js';
import type { GatewayContext } from '../gateway-context.js';
import { buildOpenApi } from '../openapi.js';

function catalog(context: GatewayContext): AppEntry[] {
  return context.routes.list().map((app) => ({
    id: app.id,
    description: app.description ?? null,
    status: publicStatus(context.runtime.status(app.id)),
    endpoints: context.endpointsOf(app.id),
  }));
}

/**
 * `GET /health`, `/ready`, `/apps` and `/openapi.json`. They need no API key: the
 * playground and docs render from them, so they show states and generic reasons only.
 * A caller with a valid key also gets, from `/ready`, the apps' error text and process ids.
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
  fastify.get('/ready', (request, reply) => {
    // Only the operator (a caller with a valid key) reads the apps' error text and pids.
    const keyed = context.keys.accepts(request.headers.authorization);
    const statusOf = (appId: string) => {
      const status = context.runtime.status(appId);
      return keyed ? status : publicStatus(status);
    };
    const apps = Object.fromEntries(context.routes.list().map((app) => [app.id, statusOf(app.id)]));
    // A gateway with no app yet (a Redis gateway before any worker) can serve nothing.
    const statuses = Object.values(apps);
    const ready = statuses.length > 0 && statuses.every((status) => status.state === 'ready');
    return reply.code(ready ? 200 : 503).send({ ready, apps });
  });
  fastify.get('/apps', () => ({ apps: catalog(context) }));
  fastify.get('/openapi.json', currentOpenApi);
}

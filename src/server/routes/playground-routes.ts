import type { FastifyInstance, FastifyReply } from 'fastify';
import { SluiceError } from '../../errors/sluice-error.js';
import type { GatewayContext } from '../gateway-context.js';
import { bundlePlayground, type PlaygroundAssets } from '../playground-bundle.js';
import { pageHtml, type PlaygroundPage } from '../playground-pages.js';

function sendPage(reply: FastifyReply, page: PlaygroundPage): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(pageHtml(page));
}

/**
 * `GET /` (the playground) and `GET /docs` (API docs from `/openapi.json`), with their
 * scripts and styles under `/playground/`. The bundle is built in memory on first use and
 * kept for the gateway's life; a build failure is logged and answered as `internal`.
 *
 * @example
 * registerPlaygroundRoutes(fastify, context);
 */
export function registerPlaygroundRoutes(fastify: FastifyInstance, _context: GatewayContext): void {
  let assets: Promise<PlaygroundAssets> | undefined;
  const loadAssets = () => {
    assets ??= bundlePlayground().catch((error: unknown) => {
      assets = undefined;
      throw new SluiceError('internal', 'The playground could not be built', { cause: error });
    });
    return assets;
  };
  fastify.get('/', (_request, reply) => sendPage(reply, 'main'));
  fastify.get('/docs', (_request, reply) => sendPage(reply, 'docs'));
  fastify.get<{ Params: { name: string } }>('/playground/:name', async (request, reply) => {
    const asset = (await loadAssets()).get(request.params.name);
    if (asset === undefined) throw new SluiceError('not_found', 'No such playground file');
    return reply.header('cache-control', 'no-cache').type(asset.contentType).send(asset.body);
  });
}

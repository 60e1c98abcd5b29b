import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../../errors/sluice-error.js';
import type { GatewayContext } from '../gateway-context.js';
import { unknownRunTarget } from '../unknown-app.js';
import { pathOf } from '../path-of.js';
import { queueMethodError } from './queue-paths.js';
import { requestUrls } from './queue-status.js';
import { submitRun } from './submit-run.js';

const QUEUE_PREFIX = '/queue';

function webhookOf(query: unknown): string | undefined {
  const { webhook, fal_webhook } = (query ?? {}) as Record<string, unknown>;
  const [name, raw] =
    typeof webhook === 'string' ? ['webhook', webhook] : ['fal_webhook', fal_webhook];
  if (raw === undefined) return undefined;
  const url = typeof raw === 'string' && URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new SluiceError('invalid_input', `${name} must be an http or https URL`, {
      fields: [{ loc: ['query', name], msg: 'must be an http or https URL', type: 'url_parsing' }],
    });
  }
  return url.href;
}

/**
 * The base URL of a queue answer's URLs: the configured `publicUrl`, else the address the
 * connection came in on. Never the `Host` header, which any client may set.
 *
 * @example
 * baseUrlOf(context, request); // 'http://127.0.0.1:8000'
 */
export function baseUrlOf(
  context: Pick<GatewayContext, 'publicUrl'>,
  request: FastifyRequest,
): string {
  if (context.publicUrl !== undefined) return context.publicUrl;
  const { localAddress = '127.0.0.1', localPort } = request.socket;
  const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  return `http://${host}:${localPort}`;
}

/**
 * `POST /queue/{owner}/{name}{path}`: queues a run and answers at once with its id, queue
 * position and URLs. Queue requests are never cancelled by a disconnect, only by `cancel`.
 *
 * @example
 * registerQueueSubmitRoute(fastify, context);
 */
export function registerQueueSubmitRoute(fastify: FastifyInstance, context: GatewayContext): void {
  fastify.post(
    `${QUEUE_PREFIX}/*`,
    { config: { auth: true } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const path = pathOf(request.url);
      const route = context.routes.resolveRun(path.slice(QUEUE_PREFIX.length));
      if (!route || route.view !== 'sync') {
        const wrongMethod = queueMethodError(context.routes, path);
        if (wrongMethod) void reply.header('allow', wrongMethod.allowed.join(', '));
        throw wrongMethod ?? unknownRunTarget(context.routes, path.slice(QUEUE_PREFIX.length));
      }
      const webhookUrl = webhookOf(request.query);
      const { record, cache } = await submitRun(context, {
        route,
        sent: request.body,
        headers: request.headers,
        owner: request.owner,
        view: 'queue',
        cancelOnDisconnect: false,
        webhookUrl,
      });
      const { requestId } = record;
      const queuePosition =
        cache === 'hit' ? 0 : ((await context.dispatcher.position(requestId)) ?? 0);
      reply.header('x-request-id', requestId).header('x-fal-request-id', requestId);
      if (cache) void reply.header('x-sluice-cache', cache);
      return reply.code(200).send({
        request_id: requestId,
        status: cache === 'hit' ? 'COMPLETED' : 'IN_QUEUE',
        queue_position: queuePosition,
        ...requestUrls(baseUrlOf(context, request), route.app.id, requestId),
      });
    },
  );
}

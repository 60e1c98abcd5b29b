import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readTerminal } from '../../events/read-terminal.js';
import { SluiceError } from '../../errors/sluice-error.js';
import { sendError } from '../error-reply.js';
import { streamToClient } from '../event-stream-response.js';
import type { GatewayContext } from '../gateway-context.js';
import { noRouteError } from '../method-not-allowed.js';
import { pathOf } from '../path-of.js';
import { submitRun } from './submit-run.js';
import { answeredBeforeStream } from './prepared-stream.js';
import { sendTerminal } from './terminal-reply.js';
import { ClientLeftSignal } from '../client-left-signal.js';
import { chooseDialect } from '../stream-dialect.js';
import type { WireDialect } from '../../events/dialects/wire-dialect.js';

/** The sync view: wait for the terminal event and answer it as JSON. */
async function answerSync(
  context: GatewayContext,
  reply: FastifyReply,
  requestId: string,
): Promise<FastifyReply> {
  const left = new ClientLeftSignal(reply.raw);
  const detach = context.dispatcher.attach(requestId);
  try {
    const terminal = await readTerminal(context.eventLog, requestId, left);
    if (terminal) return sendTerminal(context, reply, { requestId, terminal });
    reply.header('x-request-id', requestId).header('x-fal-request-id', requestId);
    return sendError(reply, new SluiceError('cancelled', 'The client left'), context.logger);
  } finally {
    left.stopWatching();
    detach();
  }
}

/**
 * The stream view: hand the socket to the SSE writer. The handler returns at once, so
 * Fastify's request and reply are not kept alive for as long as the stream is open.
 */
function answerStream(
  context: GatewayContext,
  reply: FastifyReply,
  { requestId, dialect }: { requestId: string; dialect: WireDialect },
): void {
  reply.hijack();
  void streamToClient(context, reply.raw, { requestId, afterSeq: 0, dialect, fresh: true });
}

/**
 * `POST /{owner}/{name}{path}` (JSON) and `POST /{owner}/{name}{path}/stream` (SSE). Both
 * go through the dispatcher's queue and limits, with the same priority and start-timeout
 * headers as the queue view.
 *
 * @example
 * registerRunRoutes(fastify, context);
 */
export function registerRunRoutes(fastify: FastifyInstance, context: GatewayContext): void {
  fastify.post(
    '/*',
    { config: { auth: true } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const path = pathOf(request.url);
      const route = context.routes.resolveRun(path);
      if (!route) {
        const error = noRouteError(context.routes, path);
        if (error.allowed.length > 0) void reply.header('allow', error.allowed.join(', '));
        throw error;
      }
      const dialect =
        route.view === 'stream'
          ? chooseDialect(route.endpoint.dialect ?? 'sluice', {
              query: request.query,
              accept: request.headers.accept,
            })
          : undefined;
      const { record, cache, terminal } = await submitRun(context, {
        route,
        sent: request.body,
        headers: request.headers,
        owner: request.owner,
        view: route.view,
        cancelOnDisconnect: true,
      });
      if (cache) void reply.header('x-sluice-cache', cache);
      if (dialect) {
        const prepares = route.endpoint.prepare !== undefined;
        if (prepares && (await answeredBeforeStream(context, reply, record.requestId)))
          return reply;
        return answerStream(context, reply, { requestId: record.requestId, dialect });
      }
      const { requestId } = record;
      if (terminal) return sendTerminal(context, reply, { requestId, terminal });
      return answerSync(context, reply, requestId);
    },
  );
}

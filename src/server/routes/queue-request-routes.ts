import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toAsciiJson } from '../../events/ascii-json.js';
import { readTerminal } from '../../events/read-terminal.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { GatewayContext } from '../gateway-context.js';
import { SseResponse } from '../sse-response.js';
import { appIdOf, findOwnedRequest, requestPatterns, type RequestParams } from './attach-route.js';
import { baseUrlOf } from './queue-submit-route.js';
import {
  queueStatus,
  requestUrls,
  scanLog,
  scanTerminal,
  type QueueStatus,
} from './queue-status.js';
import { sendTerminal } from './terminal-reply.js';
import { ClientLeftSignal } from '../client-left-signal.js';

type QueueRequest = FastifyRequest<{ Params: RequestParams; Querystring: { logs?: string } }>;

function wantsLogs(request: QueueRequest): boolean {
  return request.query.logs === '1' || request.query.logs === 'true';
}

/** The status now, with the log lines after `afterSeq`. */
async function statusNow(
  context: GatewayContext,
  request: QueueRequest,
  afterSeq: number,
): Promise<{ status: QueueStatus; lastSeq: number; newLogs: number }> {
  const { requestId } = request.params;
  const appId = appIdOf(request.params);
  const withLogs = wantsLogs(request);
  const scan = withLogs
    ? await scanLog(context.eventLog, requestId, afterSeq)
    : await scanTerminal(context.eventLog, requestId);
  const status = queueStatus({
    requestId,
    urls: requestUrls(baseUrlOf(context, request), appId, requestId),
    progress: await context.dispatcher.progress(requestId),
    queuePosition: await context.dispatcher.position(requestId),
    scan,
    withLogs,
  });
  return { status, lastSeq: scan.lastSeq, newLogs: scan.logs.length };
}

function withoutLogs(status: QueueStatus): string {
  return JSON.stringify({ ...status, logs: undefined });
}

/** Writes one status per change until `COMPLETED`: new log lines only, as fal's client accumulates them. */
async function streamStatuses(
  context: GatewayContext,
  request: QueueRequest,
  response: ServerResponse,
): Promise<void> {
  const headers = { 'x-fal-request-id': request.params.requestId };
  const stream = SseResponse.open(context.streams, response, headers);
  if (!stream) return;
  try {
    let seq = 0;
    let previous = '';
    while (!stream.signal.aborted) {
      // Listen before reading, so a change between the read and the wait is not missed.
      const iteration = new AbortController();
      const leave = () => iteration.abort();
      stream.signal.addEventListener('abort', leave);
      const { signal } = iteration;
      const changed = context.dispatcher.nextChange(signal);
      try {
        const { status, lastSeq, newLogs } = await statusNow(context, request, seq);
        if (withoutLogs(status) !== previous || newLogs > 0)
          await stream.send(`data: ${toAsciiJson(status)}\n\n`);
        previous = withoutLogs(status);
        seq = lastSeq;
        if (status.status === 'COMPLETED') break;
        const { requestId } = request.params;
        await Promise.race([changed, context.eventLog.waitForEvents(requestId, seq, signal)]);
      } finally {
        stream.signal.removeEventListener('abort', leave);
        iteration.abort();
      }
    }
  } catch (thrown) {
    context.logger.error(
      { requestId: request.params.requestId, err: thrown },
      'status stream failed',
    );
  } finally {
    stream.end();
  }
}

async function answerResult(context: GatewayContext, request: QueueRequest, reply: FastifyReply) {
  const left = new ClientLeftSignal(reply.raw);
  const terminal = await readTerminal(context.eventLog, request.params.requestId, left).finally(
    () => left.stopWatching(),
  );
  if (!terminal) {
    await findOwnedRequest(context, request); // expired while waiting: say so
    throw new SluiceError('cancelled', 'The client left');
  }
  return sendTerminal(context, reply, { requestId: request.params.requestId, terminal });
}

async function answerCancel(context: GatewayContext, request: QueueRequest, reply: FastifyReply) {
  const lookup = await findOwnedRequest(context, request);
  const answer =
    lookup.state === 'ended' ? 'ended' : await context.dispatcher.cancel(request.params.requestId);
  if (answer === 'ended') return reply.code(400).send({ status: 'ALREADY_COMPLETED' });
  return reply.code(202).send({ status: 'CANCELLATION_REQUESTED' });
}

/**
 * The queue's per-request routes: `GET …/status[?logs=1]`, `GET …/status/stream` (SSE, one
 * status per change, ending after `COMPLETED`), `GET …` (the result; it waits for the
 * request to end) and `PUT …/cancel` (any request, whatever view started it). Another
 * key's request is answered exactly as an unknown one; an expired one is `request_expired`.
 *
 * @example
 * registerQueueRequestRoutes(fastify, context);
 */
export function registerQueueRequestRoutes(
  fastify: FastifyInstance,
  context: GatewayContext,
): void {
  for (const requestPath of requestPatterns('/requests/:requestId', '/queue'))
    registerRequestPath(fastify, context, requestPath);
}

/** The queue's per-request routes under one pattern (an `owner/name` id, or a one-segment one). */
function registerRequestPath(
  fastify: FastifyInstance,
  context: GatewayContext,
  requestPath: string,
): void {
  const config = { config: { auth: true } };
  fastify.get(`${requestPath}/status`, config, async (request: QueueRequest) => {
    await findOwnedRequest(context, request);
    return (await statusNow(context, request, 0)).status;
  });
  fastify.get(`${requestPath}/status/stream`, config, async (request: QueueRequest, reply) => {
    await findOwnedRequest(context, request);
    reply.hijack();
    void streamStatuses(context, request, reply.raw);
  });
  fastify.get(requestPath, config, async (request: QueueRequest, reply) => {
    await findOwnedRequest(context, request);
    return answerResult(context, request, reply);
  });
  // fal's client sends its cancel as JSON with an empty body: the cancel route reads no body.
  void fastify.register((scope, _options, done) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', (_request, payload, parsed) => {
      payload.resume();
      parsed(null, undefined);
    });
    scope.put(`${requestPath}/cancel`, config, (request: QueueRequest, reply) =>
      answerCancel(context, request, reply),
    );
    done();
  });
}

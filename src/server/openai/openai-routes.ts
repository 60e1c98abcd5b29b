import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../gateway-context.js';
import { prepareRun } from '../routes/submit-run.js';
import { answerChat } from './chat-answer.js';
import { chatAnswer } from './chat-chunks.js';
import { chatModels, findChatModel } from './chat-models.js';
import { parseChatRequest } from './chat-request.js';
import { sendOpenAiError } from './openai-errors.js';
import { streamChat, type ChatRun } from './chat-stream.js';

const STARTED = Math.floor(Date.now() / 1000);

function listModels(context: GatewayContext) {
  const data = chatModels(context.routes).map((model) => ({
    id: model.id,
    object: 'model',
    created: STARTED,
    owned_by: model.app.id.split('/')[0] ?? 'sluice',
  }));
  return { object: 'list', data };
}

async function completeChat(
  context: GatewayContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const chat = await parseChatRequest(request.body);
  const model = findChatModel(context.routes, chat.model);
  const prepared = await prepareRun(context, {
    route: model,
    sent: model.view.input(chat),
    headers: request.headers,
    owner: request.owner,
    view: chat.stream ? 'stream' : 'sync',
    cancelOnDisconnect: true,
  });
  // The answer is read from the run's output events, which a cached result does not have:
  // the cache is bypassed (a result it stores still serves JSON calls of the same input).
  const { record } = await context.dispatcher.submit({ ...prepared, bypassCache: true });
  const { input } = prepared;
  const { requestId } = record;
  const run: ChatRun = { requestId, model, input, answer: chatAnswer(model.id, requestId) };
  if (!chat.stream) return answerChat(context, reply, run);
  reply.hijack();
  void streamChat(context, reply.raw, run);
  return undefined;
}

/**
 * The OpenAI-compatible view of every endpoint that declares a chat view:
 * `POST /v1/chat/completions` (streaming with `data: [DONE]`, or one completion) and
 * `GET /v1/models`. The model is the app id; runs go through the dispatcher like every other
 * view, with the same priority, start-timeout and run-timeout headers, and API keys as
 * `Authorization: Bearer <key>`. Errors answer in OpenAI's shape,
 * `{error: {message, type, param, code}}`, with the status of sluice's code.
 *
 * @example
 * registerOpenAiRoutes(fastify, context);
 */
export function registerOpenAiRoutes(fastify: FastifyInstance, context: GatewayContext): void {
  const config = { config: { auth: true, authScheme: 'Bearer' as const } };
  // A scope of their own, so every error these routes answer (a missing key, a body that is
  // not JSON, an unknown model, a failed run) reads as OpenAI's, which its SDKs understand.
  void fastify.register((scope, _options, done) => {
    scope.setErrorHandler((error, _request, reply) =>
      sendOpenAiError(reply, error, context.logger),
    );
    scope.get('/v1/models', config, () => listModels(context));
    scope.post('/v1/chat/completions', config, (request, reply) =>
      completeChat(context, request, reply),
    );
    done();
  });
}

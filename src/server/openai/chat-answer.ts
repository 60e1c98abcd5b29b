import type { FastifyReply } from 'fastify';
import type { ChatFinish } from '../../app/chat-view.js';
import { isErrorCode } from '../../errors/error-codes.js';
import { SluiceError } from '../../errors/sluice-error.js';
import { nextBatch } from '../../events/read-cursor.js';
import type { GatewayContext } from '../gateway-context.js';
import { completion } from './chat-chunks.js';
import { chatStep, type ChatRun } from './chat-stream.js';
import { sendOpenAiError } from './openai-errors.js';

type Ending = { readonly finish: ChatFinish } | { readonly error: SluiceError };

/** Reads the whole log: the text of every delta, and how the run ended (or `undefined` if the client left). */
async function collect(context: GatewayContext, run: ChatRun, signal: AbortSignal) {
  let text = '';
  let position = 0;
  for (;;) {
    const caughtUp = position > 0;
    const batch = await nextBatch(context.eventLog, run.requestId, {
      afterSeq: position,
      signal,
      caughtUp,
    });
    if (!batch) return undefined;
    for (const event of batch.events) {
      const step = chatStep(run, event);
      if (step.kind === 'text') text += step.text;
      if (step.kind === 'restart') text = ''; // a retried run writes its text from the start
      if (step.kind === 'finish') return { text, ending: { finish: step.finish } as Ending };
      if (step.kind === 'error') {
        const code = isErrorCode(step.code) ? step.code : 'internal';
        return { text, ending: { error: new SluiceError(code, step.message) } as Ending };
      }
    }
    if (batch.ended) return undefined;
    position = batch.lastSeq;
  }
}

/**
 * The answer of a chat request that did not ask to stream: one `chat.completion` once the
 * run has ended, or the run's error as an HTTP error in OpenAI's shape. A client that leaves first counts as
 * gone, and the run is cancelled after the grace period.
 *
 * @example
 * return answerChat(context, reply, run);
 */
export async function answerChat(
  context: GatewayContext,
  reply: FastifyReply,
  run: ChatRun,
): Promise<FastifyReply> {
  const left = new AbortController();
  const onClose = () => left.abort();
  reply.raw.once('close', onClose);
  if (reply.raw.destroyed) left.abort();
  const detach = context.dispatcher.attach(run.requestId);
  reply.header('x-request-id', run.requestId);
  try {
    const collected = await collect(context, run, left.signal);
    if (!collected) {
      const gone = new SluiceError('cancelled', 'The client left');
      return sendOpenAiError(reply, gone, context.logger);
    }
    const { ending, text } = collected;
    if ('error' in ending) return sendOpenAiError(reply, ending.error, context.logger);
    return reply.send(completion(run.answer, text, ending.finish));
  } finally {
    reply.raw.off('close', onClose);
    detach();
  }
}

import type { ServerResponse } from 'node:http';
import type { ChatFinish } from '../../app/chat-view.js';
import type { ErrorPayload, LoggedEvent } from '../../events/event-types.js';
import { nextBatch } from '../../events/read-cursor.js';
import type { GatewayContext } from '../gateway-context.js';
import { SseResponse } from '../sse-response.js';
import { deltaFrame, errorFrame, finishFrames, roleFrame, type ChatAnswer } from './chat-chunks.js';
import type { ChatModel } from './chat-models.js';

/** One chat answer to render from a request's log. */
export interface ChatRun {
  readonly requestId: string;
  readonly model: ChatModel;
  readonly answer: ChatAnswer;
  /** The input the run got, for the view's `finish`. */
  readonly input: unknown;
}

/** How one logged event reads in a chat: text to add, or how the answer ended. */
export type ChatStep =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'finish'; readonly finish: ChatFinish }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'none' };

/**
 * What a logged event means to a chat client: an `output` is the view's delta, the result
 * the view's finish, an error the error; progress, previews and logs mean nothing.
 *
 * @example
 * const step = chatStep(run, event);
 */
export function chatStep(run: ChatRun, event: LoggedEvent): ChatStep {
  const { view } = run.model;
  if (event.type === 'output') {
    const text = view.delta(JSON.parse(event.json) as unknown);
    return text ? { kind: 'text', text } : { kind: 'none' };
  }
  if (event.type === 'result') {
    const finish = view.finish?.(JSON.parse(event.json) as unknown, run.input) ?? {};
    return { kind: 'finish', finish };
  }
  if (event.type === 'error') {
    const payload = JSON.parse(event.json) as ErrorPayload;
    return { kind: 'error', code: payload.code, message: payload.message };
  }
  return { kind: 'none' };
}

function frameOf(run: ChatRun, step: ChatStep): string {
  switch (step.kind) {
    case 'text':
      return deltaFrame(run.answer, step.text);
    case 'finish':
      return finishFrames(run.answer, step.finish);
    case 'error':
      return errorFrame(step.code, step.message);
    case 'none':
      return '';
  }
}

/**
 * Streams a chat answer as OpenAI's chunks over SSE, ending with `data: [DONE]` (or an error
 * chunk). While it is open the client counts as attached: when it leaves, the run is
 * cancelled after the grace period, as for the native stream view. Never rejects.
 *
 * @example
 * reply.hijack();
 * void streamChat(context, reply.raw, run);
 */
export async function streamChat(
  context: GatewayContext,
  response: ServerResponse,
  run: ChatRun,
): Promise<void> {
  const { requestId } = run;
  const stream = SseResponse.open(context.streams, response, { 'x-request-id': requestId });
  if (!stream) return;
  const detach = context.dispatcher.attach(requestId);
  try {
    await stream.send(roleFrame(run.answer));
    let position = 0;
    for (;;) {
      const batch = await nextBatch(context.eventLog, requestId, {
        afterSeq: position,
        signal: stream.signal,
      });
      if (!batch) break;
      // One string per batch: one write, as the native view's grouped frames.
      let frames = '';
      for (const event of batch.events) frames += frameOf(run, chatStep(run, event));
      const written = frames !== '' ? stream.send(frames) : undefined;
      if (written) await written;
      if (batch.ended) break;
      position = batch.lastSeq;
    }
  } catch (thrown) {
    context.logger.error({ requestId, err: thrown }, 'chat stream failed');
    stream.end(errorFrame('internal', 'The stream failed'));
  } finally {
    stream.end();
    detach();
  }
}

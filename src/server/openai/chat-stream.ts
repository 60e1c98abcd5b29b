import type { ServerResponse } from 'node:http';
import type { ChatFinish } from '../../app/chat-view.js';
import type { ErrorPayload, LogPayload, LoggedEvent } from '../../events/event-types.js';
import { nextBatch } from '../../events/read-cursor.js';
import type { GatewayContext } from '../gateway-context.js';
import { SseResponse } from '../sse-response.js';
import type { ChatView } from '../../app/chat-view.js';
import {
  deltaFrame,
  errorFrame,
  finishFrames,
  literalDeltaFrame,
  roleFrame,
  type ChatAnswer,
} from './chat-chunks.js';
import { stringFieldLiteral } from './delta-field.js';
import type { ChatModel } from './chat-models.js';

/** One chat answer to render from a request's log. */
export interface ChatRun {
  readonly requestId: string;
  readonly model: ChatModel;
  readonly answer: ChatAnswer;
  /** The input the run got, for the view's `finish`. */
  readonly input: unknown;
}

/**
 * How one logged event reads in a chat: text to add, how the answer ended, or that it
 * starts again from nothing (its worker was lost, and the request was retried).
 */
export type ChatStep =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'finish'; readonly finish: ChatFinish }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'restart' }
  | { readonly kind: 'none' };

/**
 * What a logged event means to a chat client: an `output` is the view's delta, the result
 * the view's finish, an error the error, the notice of a retried request's new attempt a
 * restart; progress, previews and other logs mean nothing.
 *
 * @example
 * const step = chatStep(run, event);
 */
export function chatStep(run: ChatRun, event: LoggedEvent): ChatStep {
  const { view } = run.model;
  if (event.type === 'output') {
    const text = deltaOf(view.delta, JSON.parse(event.json) as unknown);
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
  if (event.type === 'log' && isRestart(event)) return { kind: 'restart' };
  return { kind: 'none' };
}

/** Whether a `log` event is the notice that a retried request starts again. */
function isRestart(event: LoggedEvent): boolean {
  return (JSON.parse(event.json) as Partial<LogPayload>).attempt !== undefined;
}

/** What a stream has sent of its answer. */
interface StreamedAnswer {
  /** Some text has gone out. */
  textSent: boolean;
  /** The answer cannot go on: its run started again after text had gone out. */
  broken: boolean;
}

const RESTARTED =
  'The worker writing this answer was lost after part of it was sent, and the request started again: ask again';

/** The text an output adds, by the view's function or from its declared field. */
function deltaOf(delta: ChatView['delta'], output: unknown): string | undefined {
  if (typeof delta === 'function') return delta(output);
  const text = (output as Record<string, unknown> | null)?.[delta];
  return typeof text === 'string' ? text : undefined;
}

/**
 * The frame one logged event writes. An output of a view that names its delta's field, with
 * that field first, is the fast path: its JSON string goes into the chunk as logged,
 * unparsed. Anything else reads as {@link chatStep} says.
 */
function frameOf(run: ChatRun, event: LoggedEvent): string {
  const { opening } = run.model;
  if (opening !== undefined && event.type === 'output') {
    const literal = stringFieldLiteral(event.json, opening);
    if (literal !== undefined)
      return literal === '""' ? '' : literalDeltaFrame(run.answer, literal);
  }
  return stepFrame(run, chatStep(run, event));
}

/** Chunks of whole frames up to about this many characters: one corked write, as the native view's. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * A batch's frames as a few strings of whole frames, for one corked write. A restart before
 * any text went out is seamless; one after text ends the answer with a `worker_lost` error
 * (a retried run writes its text from the start, which the client cannot take back).
 */
function chunksOf(run: ChatRun, events: readonly LoggedEvent[], answer: StreamedAnswer): string[] {
  const chunks: string[] = [];
  let frames = '';
  for (const event of events) {
    // A log writes no chunk: only the notice of a restart after text means anything here.
    if (event.type === 'log') {
      if (!answer.textSent || !isRestart(event)) continue;
      frames += errorFrame('worker_lost', RESTARTED);
      answer.broken = true;
      break;
    }
    const frame = frameOf(run, event);
    if (event.type === 'output' && frame !== '') answer.textSent = true;
    frames += frame;
    if (frames.length < CHUNK_CHARACTERS) continue;
    chunks.push(frames);
    frames = '';
  }
  if (frames !== '') chunks.push(frames);
  return chunks;
}

function stepFrame(run: ChatRun, step: ChatStep): string {
  switch (step.kind) {
    case 'text':
      return deltaFrame(run.answer, step.text);
    case 'finish':
      return finishFrames(run.answer, step.finish);
    case 'error':
      return errorFrame(step.code, step.message);
    case 'restart': // see chunksOf
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
    const answer: StreamedAnswer = { textSent: false, broken: false };
    let position = 0;
    for (;;) {
      const batch = await nextBatch(context.eventLog, requestId, {
        afterSeq: position,
        signal: stream.signal,
        caughtUp: position > 0,
      });
      if (!batch) break;
      const chunks = chunksOf(run, batch.events, answer);
      const written = chunks.length > 0 ? stream.send(chunks) : undefined;
      if (written) await written;
      if (batch.ended || answer.broken) break;
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

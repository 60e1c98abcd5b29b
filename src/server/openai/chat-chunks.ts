import type { ChatFinish, ChatUsage } from '../../app/chat-view.js';
import { httpStatusOf, isErrorCode } from '../../errors/error-codes.js';
import { toAsciiJson } from '../../events/ascii-json.js';
import { openAiErrorType } from './openai-errors.js';

/** What every chunk and completion of one chat answer shares. */
export interface ChatAnswer {
  /** `chatcmpl-` and the request id. */
  readonly id: string;
  /** The app id. */
  readonly model: string;
  /** Seconds since the epoch. */
  readonly created: number;
}

/**
 * The answer's identity for a request.
 *
 * @example
 * const answer = chatAnswer('demo/text', requestId);
 */
export function chatAnswer(model: string, requestId: string): ChatAnswer {
  return { id: `chatcmpl-${requestId}`, model, created: Math.floor(Date.now() / 1000) };
}

function chunk(answer: ChatAnswer, choice: Record<string, unknown>, usage?: ChatUsage): string {
  const body = {
    ...answer,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, ...choice }],
    ...(usage ? { usage: usageOf(usage) } : {}),
  };
  return `data: ${toAsciiJson(body)}\n\n`;
}

function usageOf(usage: ChatUsage) {
  const total = usage.prompt_tokens + usage.completion_tokens;
  return { ...usage, total_tokens: total };
}

/**
 * The first frame of a stream: the assistant's role, no text yet.
 *
 * @example
 * stream.send(roleFrame(answer));
 */
export function roleFrame(answer: ChatAnswer): string {
  return chunk(answer, { delta: { role: 'assistant', content: '' }, finish_reason: null });
}

const MARK = 'sluice-delta-text-8f2c';
const DELTA_SUFFIX = '},"finish_reason":null}]}\n\n';
const DELTA_PREFIXES = new WeakMap<ChatAnswer, string>();

/**
 * One text delta.
 *
 * @example
 * stream.send(deltaFrame(answer, ' the'));
 */
export function deltaFrame(answer: ChatAnswer, text: string): string {
  return literalDeltaFrame(answer, toAsciiJson(text));
}

/**
 * One text delta whose text is already a JSON string literal in printable ASCII (as the
 * event log holds it): spliced into the answer's chunk as it is.
 *
 * @example
 * stream.send(literalDeltaFrame(answer, '" the"'));
 */
export function literalDeltaFrame(answer: ChatAnswer, literal: string): string {
  let prefix = DELTA_PREFIXES.get(answer);
  if (prefix === undefined) {
    // Every delta of an answer shares all but its text: encode that part once.
    const whole = chunk(answer, { delta: { content: MARK }, finish_reason: null });
    prefix = whole.slice(0, whole.indexOf(`"${MARK}"`));
    DELTA_PREFIXES.set(answer, prefix);
  }
  return `${prefix}${literal}${DELTA_SUFFIX}`;
}

/**
 * The last frames of a stream: the finish reason (with usage when the app reports it), then
 * `data: [DONE]`.
 *
 * @example
 * stream.end(finishFrames(answer, { finishReason: 'length' }));
 */
export function finishFrames(answer: ChatAnswer, finish: ChatFinish): string {
  const choice = { delta: {}, finish_reason: finish.finishReason ?? 'stop' };
  return `${chunk(answer, choice, finish.usage)}data: [DONE]\n\n`;
}

/**
 * An error inside a stream, in OpenAI's shape (`{error: {message, type, param, code}}`,
 * `type` OpenAI's for the code's status); the stream ends after it without `[DONE]`.
 *
 * @example
 * stream.end(errorFrame('timeout', 'The run did not finish within 30 s'));
 */
export function errorFrame(code: string, message: string): string {
  const type = openAiErrorType(isErrorCode(code) ? httpStatusOf(code) : 500);
  return `data: ${toAsciiJson({ error: { message, type, param: null, code } })}\n\n`;
}

/**
 * The whole answer of a request that did not ask to stream.
 *
 * @example
 * reply.send(completion(answer, text, { finishReason: 'stop' }));
 */
export function completion(answer: ChatAnswer, text: string, finish: ChatFinish) {
  return {
    ...answer,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        finish_reason: finish.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    ...(finish.usage ? { usage: usageOf(finish.usage) } : {}),
  };
}

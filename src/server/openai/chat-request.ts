import { z } from 'zod';
import type { ChatRequest } from '../../app/chat-view.js';
import { parseInput } from '../../app/input-schema.js';

const part = z.looseObject({ type: z.string(), text: z.string().optional() });

const message = z.looseObject({
  role: z.string().min(1).max(64),
  content: z.union([z.string(), z.array(part), z.null()]).optional(),
});

const chatRequest = z.looseObject({
  model: z.string().min(1).max(300),
  messages: z.array(message).min(1).max(10_000),
  // OpenAI takes `null` for every optional field, as "not given".
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1).nullish(),
});

/** A checked chat completions request, and whether it asked to stream. */
export type CheckedChatRequest = ChatRequest & { readonly stream?: boolean };

/**
 * Checks the body of `POST /v1/chat/completions`; a malformed one is `invalid_input` with
 * its fields (only `n: 1` is served).
 *
 * @example
 * const chat = await parseChatRequest(request.body);
 */
export async function parseChatRequest(body: unknown): Promise<CheckedChatRequest> {
  const checked = (await parseInput(chatRequest, body)) as Record<string, unknown>;
  // `null` is OpenAI's "not given": such a field is left out, as if it had not been sent.
  const given = Object.entries(checked).filter(([, value]) => value !== null);
  return Object.fromEntries(given) as CheckedChatRequest;
}

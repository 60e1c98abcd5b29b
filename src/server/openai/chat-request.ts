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
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  n: z.literal(1).optional(),
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
  return (await parseInput(chatRequest, body)) as CheckedChatRequest;
}

/** One message of a chat request, as OpenAI's chat completions API sends it. */
export interface ChatMessage {
  readonly role: string;
  /** Text, or parts of which only the `text` ones are kept (see {@link chatText}). */
  readonly content?: string | readonly { readonly type: string; readonly text?: string }[] | null;
}

/** A chat completions request: the fields a chat view may map to an app's input. */
export interface ChatRequest {
  /** The app id (`owner/name`), as `GET /v1/models` lists it. */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly seed?: number;
  readonly stop?: string | readonly string[];
  /** Any other field the client sent, as sent. */
  readonly [field: string]: unknown;
}

/** Token counts, as the app reports them. */
export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

/** How a run ended, as the chat view reports it. */
export interface ChatFinish {
  /** Default `stop`. */
  readonly finishReason?: 'stop' | 'length' | 'content_filter';
  /** Left out of the answer when the app does not report it. */
  readonly usage?: ChatUsage;
}

/**
 * How an endpoint that streams text is served as an OpenAI-compatible chat model
 * (`POST /v1/chat/completions`): a chat request becomes the endpoint's input, each `output`
 * event becomes a text delta (or none), and the run's result says how it finished.
 *
 * @example
 * chat: {
 *   input: (request) => ({ prompt: chatText(request.messages), max_tokens: request.max_tokens }),
 *   delta: 'token', // or (output) => (output as { token: string }).token
 *   finish: (result) => ({ finishReason: 'length', usage: { prompt_tokens: 0, completion_tokens: result.tokens } }),
 * }
 */
export interface ChatView<Input = unknown, Output = unknown> {
  /** The endpoint's input for a chat request; it is validated by the endpoint's schema. */
  readonly input: (request: ChatRequest) => Input;
  /**
   * The text one `output` event adds (`undefined` or `''` adds none): a function of the
   * output, or the name of the output's field that holds it. The name is the fast path: the
   * gateway copies that field's JSON string into each chunk without parsing the event.
   */
  readonly delta: ((output: unknown) => string | undefined) | string;
  /** The finish reason and usage, from the run's result and the input it ran with. */
  readonly finish?: (result: Output, input: Input) => ChatFinish;
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}

/**
 * The text of a chat's messages, one per line (`role: text` unless `roles` is false): the
 * simplest prompt for a model with no chat template.
 *
 * @example
 * chatText([{ role: 'user', content: 'Once upon a time' }], { roles: false }); // 'Once upon a time'
 */
export function chatText(
  messages: readonly ChatMessage[],
  options: { readonly roles?: boolean } = {},
): string {
  const roles = options.roles ?? true;
  return messages
    .map((message) =>
      roles ? `${message.role}: ${textOf(message.content)}` : textOf(message.content),
    )
    .join('\n');
}

import { z } from 'zod';
import { chatText, defineApp, type ChatView, type RunContext } from 'sluice';
import { loadCorpus } from './lib/ngram/load-corpus.js';
import { NgramModel } from './lib/ngram/ngram-model.js';
import { sampleToken } from './lib/ngram/sample-token.js';
import { spaceToken, tokenize } from './lib/ngram/tokenize.js';
import { createPacer } from './lib/pacer.js';
import { pickSeed, SeededRandom, seedField } from './lib/seeded-random.js';

const input = z.object({
  prompt: z
    .string()
    .max(2000)
    .default('At dawn the river')
    .describe('The text to continue; its last two words steer the model'),
  max_tokens: z.number().int().min(1).max(1000).default(60).describe('Tokens to generate'),
  temperature: z
    .number()
    .min(0)
    .max(2)
    .default(0.8)
    .describe('0 always picks the likeliest word; higher is more surprising'),
  seed: seedField('text'),
  tokens_per_second: z
    .number()
    .min(0)
    .max(1000)
    .default(30)
    .describe('Pacing that emulates a decode budget; 0 is as fast as possible'),
});

const output = z.object({
  text: z.string().describe('The prompt followed by everything generated'),
  tokens: z.number().int().describe('How many tokens were generated'),
  seed: z.number().int().describe('The seed used: pass it again to get the same text'),
});

type Input = z.output<typeof input>;

/**
 * The OpenAI-compatible view: a chat's messages become the prompt (text only, no roles: the
 * model continues text), each `{ token }` a delta, and the result the usage. The model
 * always writes `max_tokens` tokens, so it finishes on `length`.
 */
const chat: ChatView<z.input<typeof input>, z.output<typeof output>> = {
  input: (request) => ({
    prompt: chatText(request.messages, { roles: false }).slice(-2000),
    max_tokens: request.max_completion_tokens ?? request.max_tokens,
    temperature: request.temperature,
    seed: request.seed,
  }),
  delta: 'token',
  finish: (result, sent) => ({
    finishReason: 'length',
    usage: { prompt_tokens: tokenize(sent.prompt ?? '').length, completion_tokens: result.tokens },
  }),
};

/** Generates the continuation token by token, emitting each; returns the full text. */
async function generate(input: Input, seed: number, ctx: RunContext<NgramModel>): Promise<string> {
  const random = new SeededRandom(seed);
  const pace = createPacer(input.tokens_per_second, ctx.signal);
  const history = tokenize(input.prompt);
  if (history.length === 0) history.push('.');
  let text = input.prompt;
  for (let count = 0; count < input.max_tokens; count++) {
    const word = sampleToken(ctx.state.nextTokenWeights(history), input.temperature, random);
    const token = spaceToken(word, text);
    await pace();
    ctx.emit({ token });
    history.push(word);
    text += token;
  }
  return text;
}

/**
 * Streams text from a word-level trigram model built at setup from the stories in
 * `examples/corpus/`: a stand-in for an LLM, with the same shape of stream (one `output`
 * event per token) and a paced decode.
 *
 * @example
 * // sluice serve examples/text.ts, then:
 * // curl -N -X POST localhost:8000/demo/text/stream -d '{"prompt":"The keeper","seed":3}'
 * // or any OpenAI client: POST localhost:8000/v1/chat/completions with model "demo/text"
 */
export default defineApp({
  id: 'demo/text',
  description: 'Streams tokens from a small n-gram language model, paced like a decoder',
  input,
  output,
  chat,
  setup: async () => NgramModel.fromTokens(tokenize(await loadCorpus())),
  async run(input, ctx) {
    const seed = input.seed ?? pickSeed();
    const text = await generate(input, seed, ctx);
    return { text, tokens: input.max_tokens, seed };
  },
});

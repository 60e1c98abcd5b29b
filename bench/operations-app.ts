import { z } from 'zod';
import type { RunContext } from '../src/app/app-types.js';
import { defineApp } from '../src/app/define-app.js';

const TOKEN = 'x'.repeat(90);

/**
 * The app of `bench/operations.ts`: emits `n` outputs `{token}` of ~100 bytes back to back,
 * and declares a chat view whose deltas are those tokens (by field name, the fast path; the
 * model `bench/firehose/parsed` by a function), so every view streams the same events.
 *
 * @example
 * // POST /bench/firehose/stream {"n": 500}, or /v1/chat/completions with max_tokens: 500
 */
const input = z.object({ n: z.number().int().min(0).max(1_000_000).default(1) });

async function run({ n }: { n: number }, ctx: RunContext): Promise<{ n: number }> {
  for (let index = 1; index <= n; index++) {
    ctx.emit({ token: TOKEN });
    if (index % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { n };
}

export const operationsApp = defineApp({
  id: 'bench/firehose',
  input,
  chat: { input: (request) => ({ n: request.max_tokens }), delta: 'token' },
  run,
  endpoints: {
    /** The same, with the delta as a function: every event is parsed. */
    '/parsed': {
      input,
      chat: {
        input: (request) => ({ n: request.max_tokens }),
        delta: (output) => (output as { token: string }).token,
      },
      run,
    },
  },
});

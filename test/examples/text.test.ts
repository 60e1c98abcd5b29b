import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/app/app-types.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import app from '../../examples/text.js';
import { payloadsOf, runApp, type ParsedEvent, type RunRecord } from './run-app.js';
import { RunControl } from '../../src/runtime/run-control.js';

interface TextResult {
  readonly text: string;
  readonly tokens: number;
  readonly seed: number;
}

const state = await app.setup();
const generate = (input: Record<string, unknown>) =>
  runApp({ app, state, input: { tokens_per_second: 0, ...input } });
const tokensOf = (record: RunRecord) =>
  payloadsOf<{ token: string }>(record, 'output').map((payload) => payload.token);

describe('demo/text', () => {
  it('streams one output event per token, adding up to the returned text', async () => {
    const prompt = 'The keeper of the light';
    const record = await generate({ prompt, max_tokens: 40, seed: 3 });
    const tokens = tokensOf(record);
    const result = record.result as TextResult;
    expect(tokens).toHaveLength(40);
    expect(result.tokens).toBe(40);
    expect(result.text).toBe(prompt + tokens.join(''));
    expect(tokens.every((token) => /^( [A-Za-z0-9'-]+|[.,;:!?])$/.test(token))).toBe(true);
  });

  it('continues an empty prompt without a leading space', async () => {
    const record = await generate({ prompt: '', max_tokens: 10, seed: 1 });
    const { text } = record.result as TextResult;
    expect(text).toBe(tokensOf(record).join(''));
    expect(text).toMatch(/^[A-Za-z0-9]/);
  });

  it('gives the same text for the same seed and another for a different seed', async () => {
    const first = (await generate({ seed: 11 })).result as TextResult;
    const second = (await generate({ seed: 11 })).result as TextResult;
    const other = (await generate({ seed: 12 })).result as TextResult;
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(other.text).not.toBe(first.text);
  });

  it('returns the seed it picked, which repeats the run', async () => {
    const first = (await generate({})).result as TextResult;
    const again = (await generate({ seed: first.seed })).result as TextResult;
    expect(again).toEqual(first);
  });

  it('decodes greedily at temperature 0, whatever the seed', async () => {
    const first = (await generate({ temperature: 0, seed: 1 })).result as TextResult;
    const second = (await generate({ temperature: 0, seed: 2 })).result as TextResult;
    expect(second.text).toBe(first.text);
  });

  it('paces tokens at tokens_per_second', async () => {
    const started = performance.now();
    await runApp({ app, state, input: { max_tokens: 10, tokens_per_second: 100, seed: 1 } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('stops generating soon after it is cancelled', async () => {
    const control = new RunControl('r1');
    let emits = 0;
    const countEmits = (context: RunContext): RunContext => ({
      ...context,
      emit: (data) => {
        emits++;
        context.emit(data);
      },
    });
    const abortAfterFive = (event: ParsedEvent) => {
      if (event.type === 'output' && emits === 5) control.abort(new SluiceError('cancelled', 'x'));
    };
    const input = { max_tokens: 1000, tokens_per_second: 200, seed: 1 };
    const started = performance.now();
    const record = await runApp({
      app,
      state,
      input,
      control,
      onEvent: abortAfterFive,
      wrapContext: countEmits,
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(record.outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const emitsAtEnd = emits;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(emits).toBe(emitsAtEnd);
    expect(emits).toBeLessThanOrEqual(6);
  });

  it('rejects a temperature above 2', async () => {
    const parsed = await app.endpoints.get('')?.input.safeParseAsync({ temperature: 3 });
    expect(parsed?.success).toBe(false);
  });
});

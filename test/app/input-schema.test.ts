import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { parseInput, prepareInputSchema } from '../../src/app/input-schema.js';
import { SluiceError } from '../../src/errors/sluice-error.js';

const generate = z.object({
  prompt: z.string().min(1),
  steps: z.number().int().min(1).max(50).default(20),
});

/** Parses as sluice does: through the app's prepared schema. */
function parseFor(schema: z.ZodType, body: unknown): Promise<unknown> {
  const app = defineApp({ id: 'demo/schema', input: schema, run: () => null });
  return parseInput(app.endpoints.get('')!.input, body);
}

async function invalidInput(schema: z.ZodType, body: unknown): Promise<SluiceError> {
  const error = await parseFor(schema, body).then(
    () => expect.unreachable('the input should be rejected'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SluiceError);
  expect((error as SluiceError).code).toBe('invalid_input');
  return error as SluiceError;
}

describe('parseInput', () => {
  it('applies defaults', async () => {
    await expect(parseFor(generate, { prompt: 'a cat' })).resolves.toEqual({
      prompt: 'a cat',
      steps: 20,
    });
  });

  it('reports a value out of bounds with its field', async () => {
    const error = await invalidInput(generate, { prompt: 'a cat', steps: 100 });
    expect(error.fields).toEqual([
      { loc: ['body', 'steps'], msg: expect.any(String) as string, type: 'too_big' },
    ]);
    expect(error.message).toBe('The input is invalid');
  });

  it('reports every bad field, nested paths and array indices included', async () => {
    const schema = z.object({ size: z.object({ width: z.number() }), tags: z.array(z.string()) });
    const error = await invalidInput(schema, { size: { width: 'wide' }, tags: ['a', 2] });
    expect(error.fields!.map((field) => field.loc)).toEqual([
      ['body', 'size', 'width'],
      ['body', 'tags', 1],
    ]);
    expect(error.fields!.every((field) => field.type === 'invalid_type')).toBe(true);
  });

  it('rejects an unknown top-level field of a plain z.object, naming it', async () => {
    const error = await invalidInput(generate, { prompt: 'a cat', stpes: 3 });
    expect(error.fields).toEqual([
      { loc: ['body', 'stpes'], msg: expect.any(String) as string, type: 'unrecognized_keys' },
    ]);
  });

  it('names every unknown field in its own entry', async () => {
    const error = await invalidInput(generate, { prompt: 'a cat', stpes: 3, sede: 1 });
    expect(error.fields!.map((field) => field.loc)).toEqual([
      ['body', 'stpes'],
      ['body', 'sede'],
    ]);
  });

  it('accepts unknown fields with z.looseObject and keeps them', async () => {
    const loose = z.looseObject({ prompt: z.string() });
    await expect(parseFor(loose, { prompt: 'a cat', seed: 7 })).resolves.toEqual({
      prompt: 'a cat',
      seed: 7,
    });
  });

  it('keeps z.strictObject strict', async () => {
    const error = await invalidInput(z.strictObject({ prompt: z.string() }), { x: 1, prompt: '' });
    expect(error.fields![0]!.loc).toEqual(['body', 'x']);
  });

  it.each([['a string'], [42], [null], [[1, 2]], [undefined], [true]])(
    'rejects the non-object body %j',
    async (body) => {
      const error = await invalidInput(generate, body);
      expect(error.fields).toEqual([
        { loc: ['body'], msg: expect.any(String) as string, type: 'invalid_type' },
      ]);
    },
  );

  it('cuts long messages to 200 characters', async () => {
    const schema = z.object({ text: z.string().refine(() => false, 'x'.repeat(500)) });
    const error = await invalidInput(schema, { text: 'hi' });
    expect(error.fields![0]!.msg).toHaveLength(200);
  });

  it('sends field problems as the detail of the error body', async () => {
    const error = await invalidInput(generate, { prompt: '' });
    expect(error.toJSON()).toEqual({
      detail: error.fields,
      error_type: 'invalid_input',
      code: 'invalid_input',
    });
    expect(error.status).toBe(422);
  });
});

describe('prepareInputSchema', () => {
  it('keeps the refinements of a plain z.object', async () => {
    const ordered = z
      .object({ low: z.number(), high: z.number() })
      .refine((range) => range.low < range.high, 'low must be below high');
    const prepared = prepareInputSchema(ordered);
    await expect(parseInput(prepared, { low: 1, high: 2 })).resolves.toEqual({ low: 1, high: 2 });
    await expect(parseInput(prepared, { low: 2, high: 1 })).rejects.toThrow(SluiceError);
  });

  it('leaves schemas that are not objects alone', () => {
    const text = z.string();
    expect(prepareInputSchema(text)).toBe(text);
  });

  it('leaves z.looseObject alone', () => {
    const loose = z.looseObject({ prompt: z.string() });
    expect(prepareInputSchema(loose)).toBe(loose);
  });
});

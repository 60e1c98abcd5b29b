import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp, isApp } from '../../src/app/define-app.js';
import { parseInput } from '../../src/app/input-schema.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { publishedApp, remoteApp, type PublishedApp } from '../../src/cluster/published-apps.js';

const original = defineApp({
  id: 'pub/lish',
  description: 'A published app',
  input: z.object({
    prompt: z.string().min(1).max(20).describe('What to draw'),
    steps: z.number().int().min(1).max(50).default(8),
    style: z.enum(['ink', 'oil']).optional(),
    sizes: z.array(z.number().positive()).max(3).default([]),
    seed: z.number().int().nullable().default(null),
  }),
  limits: { concurrent: 2, queued: 5 },
  retries: 1,
  run: () => 'drawn',
  endpoints: {
    '/upscale': {
      description: 'Upscales',
      input: z.object({ factor: z.literal([2, 4]) }),
      run: () => 'up',
    },
  },
});

/** What a schema answers for a value: the parsed value, or the field errors. */
async function verdict(schema: z.ZodType, value: unknown): Promise<unknown> {
  try {
    return { ok: await parseInput(schema, value) };
  } catch (error) {
    if (!(error instanceof SluiceError)) throw error;
    return { fields: error.fields };
  }
}

const INPUTS: readonly unknown[] = [
  { prompt: 'a cat' },
  { prompt: 'a cat', steps: 50, style: 'ink', sizes: [1, 2.5], seed: 7 },
  { prompt: '' },
  { prompt: 'x'.repeat(21) },
  { prompt: 'a', steps: 0 },
  { prompt: 'a', steps: 1.5 },
  { prompt: 'a', style: 'watercolour' },
  { prompt: 'a', sizes: [1, 2, 3, 4] },
  { prompt: 'a', sizes: [-1] },
  { prompt: 'a', seed: 'seven' },
  { prompt: 'a', unknown: true },
  {},
  'not an object',
  null,
  undefined,
];

describe('apps published through Redis', () => {
  it('a gateway validates inputs exactly as the worker would: same values, same field errors', async () => {
    const standIn = remoteApp(JSON.parse(JSON.stringify(publishedApp(original))) as PublishedApp);
    for (const path of ['', '/upscale']) {
      const real = original.endpoints.get(path)!.input;
      const rebuilt = standIn.endpoints.get(path)!.input;
      const values = path === '' ? INPUTS : [{ factor: 2 }, { factor: 3 }, {}, { factor: '2' }];
      for (const value of values)
        expect(await verdict(rebuilt, value)).toEqual(await verdict(real, value));
    }
  });

  it('keeps ids, descriptions, limits and retries; its runs never execute in the gateway', () => {
    const standIn = remoteApp(publishedApp(original));
    expect(standIn.id).toBe('pub/lish');
    expect(standIn.description).toBe('A published app');
    expect([...standIn.endpoints.keys()]).toEqual(['', '/upscale']);
    expect(standIn.endpoints.get('')).toMatchObject({
      limits: { concurrent: 2, queued: 5 },
      retries: 1,
    });
    expect(standIn.endpoints.get('/upscale')?.description).toBe('Upscales');
    expect(() => standIn.endpoints.get('')!.run(undefined, undefined as never)).toThrow(
      /remote workers/,
    );
  });

  it('documents the example apps exactly as the apps themselves: the same JSON Schemas', async () => {
    const files = ['progressive-image', 'text', 'tiles'];
    for (const file of files) {
      const module = (await import(`../../examples/${file}.ts`)) as Record<string, unknown>;
      for (const app of Object.values(module).filter(isApp)) {
        const published = publishedApp(app);
        const rebuilt = publishedApp(
          remoteApp(JSON.parse(JSON.stringify(published)) as PublishedApp),
        );
        expect(rebuilt).toEqual(published);
      }
    }
  });

  it('refuses a published app without a default endpoint', () => {
    const published = {
      ...publishedApp(original),
      endpoints: publishedApp(original).endpoints.slice(1),
    };
    expect(() => remoteApp(published)).toThrow(TypeError);
  });
});

import { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import { createClient, type EventStream, type StreamEvent } from '../../src/client/index.js';

const textApp = defineApp({
  id: 'demo/text',
  input: z.object({ prompt: z.string(), max_tokens: z.number().default(16) }),
  run: ({ prompt }) => ({ text: prompt, tokens: 1 }),
});

const imageApp = defineApp({
  id: 'demo/image',
  input: z.object({ width: z.number() }),
  run: ({ width }) => ({ url: `data:${width}` }),
});

export const apps = [textApp, imageApp] as const;
export const record = { textApp, imageApp };
const baseUrl = 'http://127.0.0.1:8000';

describe('a client typed by the server’s apps', () => {
  it('infers each app’s input and output from defineApp (apps as a tuple)', () => {
    const client = createClient<typeof apps>({ baseUrl });
    expectTypeOf(client.run('demo/text', { prompt: 'hi' })).resolves.toEqualTypeOf<{
      text: string;
      tokens: number;
    }>();
    expectTypeOf(client.run('demo/image', { width: 64 })).resolves.toEqualTypeOf<{ url: string }>();
    const stream = client.stream('demo/text', { prompt: 'hi', max_tokens: 4 });
    expectTypeOf(stream).toEqualTypeOf<EventStream<{ text: string; tokens: number }>>();
    expectTypeOf(stream.done()).resolves.toEqualTypeOf<{ text: string; tokens: number }>();
    expectTypeOf(client.attach('demo/image', 'id').done()).resolves.toEqualTypeOf<{
      url: string;
    }>();
  });

  it('accepts a record of apps too', () => {
    const client = createClient<typeof record>({ baseUrl });
    expectTypeOf(client.run('demo/image', { width: 1 })).resolves.toEqualTypeOf<{ url: string }>();
    // @ts-expect-error: the image app takes a width
    void client.run('demo/image', { prompt: 'x' });
  });

  it('rejects a wrong input, a missing field and an unknown app at compile time', () => {
    const client = createClient<typeof apps>({ baseUrl });
    // @ts-expect-error: prompt must be a string
    void client.run('demo/text', { prompt: 42 });
    // @ts-expect-error: prompt is required
    void client.stream('demo/text', {});
    // @ts-expect-error: unknown field (the schema is strict)
    void client.stream('demo/text', { prompt: 'x', temperature: 1 });
    // @ts-expect-error: no such app
    void client.run('demo/nothing', {});
    // @ts-expect-error: no such app
    void client.cancel('demo/nothing', 'id');
  });

  it('types the events: the result carries the output, progress its fields', async () => {
    const client = createClient<typeof apps>({ baseUrl });
    for await (const event of client.stream('demo/text', { prompt: 'hi' })) {
      expectTypeOf(event.id).toEqualTypeOf<number>();
      if (event.type === 'result')
        expectTypeOf(event.data).toEqualTypeOf<{ text: string; tokens: number }>();
      if (event.type === 'progress') expectTypeOf(event.data.step).toEqualTypeOf<number>();
      if (event.type === 'error') expectTypeOf(event.data.retryable).toEqualTypeOf<boolean>();
      if (event.type === 'preview' && 'image' in event.data)
        expectTypeOf(event.data.image.url).toEqualTypeOf<string>();
    }
  });

  it('refuses a path the app does not declare', () => {
    const client = createClient<typeof apps>({ baseUrl });
    // @ts-expect-error: demo/text has no /other endpoint
    void client.run('demo/text', { anything: true }, { path: '/other' });
  });
});

describe('an untyped client', () => {
  it('accepts any app id and any input, and yields unknown outputs', () => {
    const client = createClient({ baseUrl });
    expectTypeOf(client.run('any/app', { whatever: 1 })).resolves.toBeUnknown();
    expectTypeOf(client.run('no-slash-even', 42)).resolves.toBeUnknown();
    expectTypeOf(client.stream('x/y', null)).toEqualTypeOf<EventStream>();
    expectTypeOf<StreamEvent>().toHaveProperty('data');
  });
});

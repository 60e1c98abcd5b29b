import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';

describe('run forms in the types', () => {
  it('accepts sync and async generators, iterables and ReadableStreams', () => {
    const syncGenerator = defineApp({
      id: 'types/sync',
      input: z.object({}),
      *run() {
        yield 'token';
        return { tokens: 1 };
      },
    });
    expectTypeOf(syncGenerator.id).toEqualTypeOf<'types/sync'>();
    defineApp({ id: 'types/set', input: z.object({}), run: () => new Set([1, 2]) });
    defineApp({
      id: 'types/stream',
      input: z.object({}),
      run: () => new ReadableStream<Uint8Array>(),
    });
    defineApp({
      id: 'types/async',
      input: z.object({}),
      async *run() {
        yield await Promise.resolve(new Uint8Array([1]));
      },
    });
  });
});

import { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';

describe('defineApp types', () => {
  it('infers each endpoint’s input from its own schema, with defaults applied', () => {
    defineApp({
      id: 'types/app',
      input: z.object({ prompt: z.string(), steps: z.number().default(4) }),
      setup: () => ({ model: 'weights' as const }),
      run(input, ctx) {
        expectTypeOf(input).toEqualTypeOf<{ prompt: string; steps: number }>();
        expectTypeOf(ctx.state).toEqualTypeOf<{ model: 'weights' }>();
        return { ok: true };
      },
      endpoints: {
        '/img2img': {
          input: z.object({ image_url: z.string(), strength: z.number().default(0.5) }),
          run(input, ctx) {
            expectTypeOf(input).toEqualTypeOf<{ image_url: string; strength: number }>();
            expectTypeOf(ctx.state).toEqualTypeOf<{ model: 'weights' }>();
            // @ts-expect-error: the default endpoint's field is not on this one
            void input.prompt;
            return { url: input.image_url };
          },
        },
      },
    });
  });

  it('types ctx.stream: the child’s non-terminal events, then its result', () => {
    defineApp({
      id: 'flux',
      input: z.object({}),
      async run(_input, ctx) {
        const child = ctx.stream<{ image: string }>('demo/diffuse', {}, { forward: ['preview'] });
        for await (const event of child) {
          expectTypeOf(event.type).toEqualTypeOf<'progress' | 'preview' | 'output' | 'log'>();
          if (event.type === 'progress') expectTypeOf(event.data.step).toBeNumber();
        }
        expectTypeOf(child.result).toEqualTypeOf<Promise<{ image: string }>>();
        // @ts-expect-error: the end of a child is its result, not an event to forward
        ctx.stream('demo/diffuse', {}, { forward: ['result'] });
        return child.result;
      },
    });
  });

  it('carries the input (before defaults) and output types for typed clients', () => {
    const echoApp = defineApp({
      id: 'types/echo',
      input: z.object({ text: z.string(), times: z.number().default(1) }),
      run: ({ text, times }) => ({ echoed: text.repeat(times) }),
    });
    expectTypeOf<NonNullable<typeof echoApp.types>['input']>().toEqualTypeOf<{
      text: string;
      times?: number | undefined;
    }>();
    expectTypeOf<NonNullable<typeof echoApp.types>['output']>().toEqualTypeOf<{ echoed: string }>();
    expectTypeOf(echoApp.id).toEqualTypeOf<'types/echo'>();
  });
});

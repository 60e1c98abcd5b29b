import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import {
  collectingSink,
  runApp,
  sleep,
  soleTerminal,
  terminalError,
  typesOf,
} from './run-harness.js';

describe('executeRun: run forms', () => {
  it('ends an async function with one result event holding its output', async () => {
    const app = defineApp({
      id: 'demo/echo',
      input: z.object({ text: z.string() }),
      async run({ text }, ctx) {
        ctx.progress(1, 1);
        await sleep(1);
        return { text: `${text}!`, requestId: ctx.requestId };
      },
    });
    const { outcome, events } = await runApp(app, { input: { text: 'hé' }, requestId: 'req-7' });
    expect(outcome).toEqual({ ok: true });
    expect(typesOf(events)).toEqual(['progress', 'result']);
    expect(soleTerminal(events).data).toEqual({ text: 'hé!', requestId: 'req-7' });
  });

  it('aborts the signal of a run that ended with a shared `cancelled` reason no app can change', async () => {
    const signals: AbortSignal[] = [];
    const app = defineApp({
      id: 'demo/finished',
      input: z.object({}),
      run: (_input, ctx) => void signals.push(ctx.signal),
    });
    await runApp(app);
    await runApp(app);
    const [first, second] = signals.map((signal) => signal.reason as SluiceError);
    expect(first).toBeInstanceOf(SluiceError);
    expect(first).toMatchObject({ code: 'cancelled', message: 'The run has finished' });
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      'use strict';
      (first as { message: string }).message = 'changed by an app';
    }).toThrow(TypeError);
  });

  it('sends what a failing run emitted just before it threw, then its error', async () => {
    const app = defineApp({
      id: 'demo/explains',
      input: z.object({}),
      async run(_input, ctx) {
        ctx.emit({ step: 1 });
        await sleep(1); // its append now on the way to a slow log
        ctx.emit({ step: 2 });
        ctx.log('error', 'the reason it fails');
        throw new SluiceError('invalid_input', 'It failed');
      },
    });
    const { outcome, events } = await runApp(app, { sink: collectingSink({ delayMs: 20 }) });
    expect(outcome).toMatchObject({ ok: false });
    expect(typesOf(events)).toEqual(['output', 'output', 'log', 'error']);
  });

  it('accepts a synchronous run', async () => {
    const app = defineApp({ id: 'demo/sync', input: z.object({}), run: () => 42 });
    const { events } = await runApp(app);
    expect(events).toEqual([{ type: 'result', data: 42 }]);
  });

  it('turns the yields of an async generator into output events, in order', async () => {
    const app = defineApp({
      id: 'demo/tokens',
      input: z.object({}),
      async *run(_input, ctx) {
        yield 'a';
        ctx.progress(1, 2);
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield { token: 'b' };
        return { tokens: 2 };
      },
    });
    const { events } = await runApp(app);
    expect(events).toEqual([
      { type: 'output', data: 'a' },
      { type: 'progress', data: { step: 1, total: 2, progress: 0.5 } },
      { type: 'output', data: { token: 'b' } },
      { type: 'result', data: { tokens: 2 } },
    ]);
  });

  it('sends null for an undefined output, from a function or a generator', async () => {
    const plain = defineApp({ id: 'demo/void', input: z.object({}), async run() {} });
    const generator = defineApp({
      id: 'demo/void-gen',
      input: z.object({}),
      async *run() {
        yield await Promise.resolve(1);
      },
    });
    expect((await runApp(plain)).events).toEqual([{ type: 'result', data: null }]);
    expect(soleTerminal((await runApp(generator)).events).data).toBeNull();
  });

  it('runs the endpoint it is given, with the state it is given', async () => {
    const app = defineApp({
      id: 'demo/multi',
      input: z.object({}),
      setup: () => ({ model: 'm1' }),
      run: () => 'default',
      endpoints: {
        '/upscale': {
          input: z.object({}),
          run: (_input, ctx) => `upscale with ${ctx.state.model}`,
        },
      },
    });
    const { events } = await runApp(app, { endpoint: '/upscale', state: { model: 'm1' } });
    expect(soleTerminal(events).data).toBe('upscale with m1');
  });

  it('escapes non-ASCII characters in every event', async () => {
    const app = defineApp({
      id: 'demo/ascii',
      input: z.object({}),
      run(_input, ctx) {
        ctx.emit('日本');
        return 'café';
      },
    });
    const sink = collectingSink();
    await runApp(app, { sink });
    expect(sink.events.map((event) => event.json)).toEqual(['"\\u65e5\\u672c"', '"caf\\u00e9"']);
  });
});

describe('executeRun: errors', () => {
  it('keeps the code and message of a SluiceError the app throws', async () => {
    const app = defineApp({
      id: 'demo/picky',
      input: z.object({}),
      run() {
        throw new SluiceError('invalid_input', 'The prompt is not allowed');
      },
    });
    const { outcome, events } = await runApp(app);
    expect(terminalError(events)).toEqual({
      code: 'invalid_input',
      message: 'The prompt is not allowed',
      retryable: false,
      request_id: 'r1',
    });
    expect(outcome.ok).toBe(false);
  });

  it('turns any other exception into app_error without its message', async () => {
    const thrown = new TypeError('secret');
    const app = defineApp({
      id: 'demo/leaky',
      input: z.object({}),
      async run(_input, ctx) {
        ctx.emit('before');
        await Promise.resolve();
        throw thrown;
      },
    });
    const { outcome, events } = await runApp(app);
    const error = terminalError(events);
    expect(error.code).toBe('app_error');
    expect(error.message).toBe('The app raised TypeError');
    expect(JSON.stringify(events)).not.toContain('secret');
    expect(outcome.ok === false && outcome.error.cause).toBe(thrown);
  });

  it('turns a thrown non-Error into app_error', async () => {
    const app = defineApp({
      id: 'demo/string-throw',
      input: z.object({}),
      run() {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what careless apps do
        throw 'secret';
      },
    });
    const error = terminalError((await runApp(app)).events);
    expect(error).toMatchObject({ code: 'app_error', message: 'The app raised string' });
  });

  it('fails a run whose generator throws', async () => {
    const app = defineApp({
      id: 'demo/gen-throw',
      input: z.object({}),
      async *run() {
        yield await Promise.resolve(1);
        throw new RangeError('secret');
      },
    });
    const { events } = await runApp(app);
    expect(terminalError(events).code).toBe('app_error');
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('fails a run whose output does not match its schema', async () => {
    const app = defineApp({
      id: 'demo/typed',
      input: z.object({}),
      output: z.object({ images: z.array(z.string()) }),
      run: () => ({ images: 'not a list' }) as unknown as { images: string[] },
    });
    const error = terminalError((await runApp(app)).events);
    expect(error.code).toBe('app_error');
    expect(error.message).toMatch(/schema/);
  });

  it('sends the output as its schema parses it', async () => {
    const app = defineApp({
      id: 'demo/typed-ok',
      input: z.object({}),
      output: z.object({ count: z.number().default(3) }),
      run: () => ({}) as { count: number },
    });
    expect(soleTerminal((await runApp(app)).events).data).toEqual({ count: 3 });
  });

  it('fails a run whose output is not JSON-serialisable', async () => {
    const app = defineApp({ id: 'demo/bigint', input: z.object({}), run: () => 10n });
    const error = terminalError((await runApp(app)).events);
    expect(error.code).toBe('app_error');
    expect(error.message).toMatch(/JSON/);
  });
});

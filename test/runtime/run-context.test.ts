import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunContext } from '../../src/app/app-types.js';
import { defineApp } from '../../src/app/define-app.js';
import type { LogLevel } from '../../src/events/event-types.js';
import { runApp, sleep, soleTerminal, terminalError, typesOf } from './run-harness.js';

describe('run context: emitting from anywhere', () => {
  it('works with its methods destructured', async () => {
    const app = defineApp({
      id: 'demo/detached',
      input: z.object({}),
      // RunContext declares these as methods; they are closures, made to be passed around.

      run(_input, { emit, progress, log }) {
        progress(1, 2, 'loading');
        emit({ token: 'hi' });
        log('info', 'done');
        return 'ok';
      },
    });
    const { events } = await runApp(app);
    expect(typesOf(events)).toEqual(['progress', 'output', 'log', 'result']);
    expect(events[0]!.data).toEqual({ step: 1, total: 2, progress: 0.5, message: 'loading' });
    expect(events[2]!.data).toEqual({
      level: 'info',
      message: 'done',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
    });
  });

  it('works from a timer callback', async () => {
    const app = defineApp({
      id: 'demo/timer',
      input: z.object({}),
      run: (_input, ctx) =>
        new Promise<string>((resolve) => {
          setTimeout(() => {
            ctx.emit('from a timer');
            resolve('done');
          }, 2);
        }),
    });
    const { events } = await runApp(app);
    expect(events).toEqual([
      { type: 'output', data: 'from a timer' },
      { type: 'result', data: 'done' },
    ]);
  });

  it('keeps two concurrent runs apart, each in order, with events fired from setup', async () => {
    const app = defineApp({
      id: 'demo/emitter',
      input: z.object({ name: z.string(), steps: z.number() }),
      setup() {
        // A library object made once per replica; its timer runs outside every run.
        const pipeline = new EventEmitter<{ step: [] }>();
        const ticker = setInterval(() => pipeline.emit('step'), 1);
        return { pipeline, ticker };
      },
      run: ({ name, steps }, ctx) =>
        new Promise<string>((resolve) => {
          let step = 0;
          const onStep = () => {
            step++;
            ctx.progress(step, steps);
            ctx.emit(`${name}-${step}`);
            if (step < steps) return;
            ctx.state.pipeline.off('step', onStep);
            resolve(name);
          };
          ctx.state.pipeline.on('step', onStep);
        }),
    });
    const state = (await app.setup()) as { pipeline: EventEmitter; ticker: NodeJS.Timeout };
    try {
      const [first, second] = await Promise.all([
        runApp(app, { state, requestId: 'first', input: { name: 'a', steps: 5 } }),
        runApp(app, { state, requestId: 'second', input: { name: 'b', steps: 3 } }),
      ]);
      const outputs = (events: typeof first.events) =>
        events.filter((event) => event.type === 'output').map((event) => event.data);
      expect(outputs(first.events)).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
      expect(outputs(second.events)).toEqual(['b-1', 'b-2', 'b-3']);
      expect(soleTerminal(first.events).data).toBe('a');
      expect(soleTerminal(second.events).data).toBe('b');
    } finally {
      clearInterval(state.ticker);
    }
  });

  it('interleaves emits of concurrent runs without mixing them', async () => {
    const app = defineApp({
      id: 'demo/interleave',
      input: z.object({ name: z.string() }),
      async run({ name }, ctx) {
        for (let index = 0; index < 20; index++) {
          ctx.emit(`${name}${index}`);
          await sleep(index % 3);
        }
        return name;
      },
    });
    const runs = await Promise.all(
      ['x', 'y', 'z'].map((name) => runApp(app, { input: { name }, requestId: name })),
    );
    for (const [index, { events }] of runs.entries()) {
      const name = ['x', 'y', 'z'][index]!;
      const expected = Array.from({ length: 20 }, (_, step) => `${name}${step}`);
      expect(events.slice(0, -1).map((event) => event.data)).toEqual(expected);
      expect(soleTerminal(events).data).toBe(name);
    }
  });
});

describe('run context: misuse fails the run, never throws', () => {
  const misusing = (misuse: (ctx: RunContext) => void) =>
    defineApp({
      id: 'demo/misuse',
      input: z.object({}),
      async run(_input, ctx) {
        ctx.emit('before');
        misuse(ctx);
        await sleep(1);
        return 'unreachable';
      },
    });

  it.each([
    ['a BigInt', () => 10n],
    [
      'a circular object',
      () => {
        const node: { self?: unknown } = {};
        node.self = node;
        return node;
      },
    ],
  ])('ends the run with app_error when it emits %s', async (_name, makeValue) => {
    let threw = false;
    const app = misusing((ctx) => {
      try {
        ctx.emit(makeValue());
      } catch {
        threw = true;
      }
    });
    const { events } = await runApp(app);
    expect(threw).toBe(false);
    expect(terminalError(events)).toMatchObject({ code: 'app_error', message: /output event/ });
  });

  it('ends the run with app_error on a bad log level', async () => {
    const app = misusing((ctx) => ctx.log('verbose' as LogLevel, 'hello'));
    const error = terminalError((await runApp(app)).events);
    expect(error).toMatchObject({ code: 'app_error', message: /level/ });
  });

  it.each([
    [Number.NaN, 10],
    [1, Infinity],
  ])('ends the run with app_error on progress(%s, %s)', async (step, total) => {
    const app = misusing((ctx) => ctx.progress(step, total));
    expect(terminalError((await runApp(app)).events).code).toBe('app_error');
  });

  it('ends a synchronous run that misused the context with app_error, not its output', async () => {
    const app = defineApp({
      id: 'demo/sync-misuse',
      input: z.object({}),
      run(_input, ctx) {
        ctx.progress(Number.NaN, 10);
        return 'unreachable';
      },
    });
    const { events } = await runApp(app);
    expect(terminalError(events)).toMatchObject({ code: 'app_error', message: /finite/ });
  });

  it('fails the run when misused from a timer after the run body moved on', async () => {
    const app = defineApp({
      id: 'demo/late-misuse',
      input: z.object({}),
      async run(_input, ctx) {
        setTimeout(() => ctx.emit(1n), 1);
        await sleep(20);
        return 'unreachable';
      },
    });
    expect(terminalError((await runApp(app)).events).code).toBe('app_error');
  });

  it('aborts ctx.signal with the app_error', async () => {
    let reason: unknown;
    const app = defineApp({
      id: 'demo/misuse-signal',
      input: z.object({}),
      async run(_input, ctx) {
        ctx.emit(10n);
        reason = ctx.signal.reason;
        await sleep(1);
      },
    });
    await runApp(app);
    expect(reason).toMatchObject({ code: 'app_error' });
  });
});

import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Emits `n` outputs `{ i }` (and a progress each step when asked), `delay_ms` apart. */
export const countApp = defineApp({
  id: 'test/count',
  input: z.object({
    n: z.number().int().min(0).max(100_000).default(5),
    delay_ms: z.number().min(0).max(1_000).default(0),
    progress: z.boolean().default(false),
    text: z.string().default('x'),
  }),
  async run({ n, delay_ms, progress, text }, ctx) {
    for (let i = 1; i <= n; i++) {
      ctx.signal.throwIfAborted();
      if (progress) ctx.progress(i, n);
      ctx.emit({ i, text });
      await (delay_ms > 0 ? sleep(delay_ms) : tick());
    }
    return { count: n, text };
  },
});

/** What the work-loop app has done, for cancellation tests. */
export const workLoop = { iterations: 0, started: 0, aborted: 0 };

/** Loops forever (every 10 ms) until its signal aborts, emitting one output per iteration. */
export const workLoopApp = defineApp({
  id: 'test/work-loop',
  input: z.object({}),
  async run(_input, ctx) {
    workLoop.started++;
    ctx.signal.addEventListener('abort', () => workLoop.aborted++);
    while (!ctx.signal.aborted) {
      workLoop.iterations++;
      ctx.emit({ iteration: workLoop.iterations });
      await sleep(10);
    }
    return { stopped: true };
  },
});

/** Throws from its run, or from a timer outside its call chain. */
export const failingApp = defineApp({
  id: 'test/failing',
  input: z.object({ where: z.enum(['run', 'timer']).default('run') }),
  async run({ where }, ctx) {
    ctx.emit({ before: true });
    if (where === 'timer') {
      setTimeout(() => {
        throw new Error('thrown from a timer with a secret');
      }, 5);
      await sleep(10_000);
    }
    throw new Error('thrown from the run with a secret');
  },
});

/** Its setup fails: the app never becomes ready. */
export const brokenSetupApp = defineApp({
  id: 'test/broken-setup',
  input: z.object({}),
  setup: () => Promise.reject(new Error('weights file missing')),
  run: () => ({ never: true }),
});

/** Deterministic events for exact-byte tests: a progress, an output with non-ASCII text, the result. */
export const bytesApp = defineApp({
  id: 'test/bytes',
  input: z.object({}),
  async run(_input, ctx) {
    ctx.progress(1, 2, 'warming up');
    await tick();
    ctx.emit({ text: 'héllo ☃ 😀' });
    await tick();
    ctx.progress(2, 2);
    await tick();
    return { text: 'done ✓' };
  },
});

export { sleep, tick };

/** Pseudo-random noise pixels: JPEG cannot shrink them much, so previews are big. */
function noise(width: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(width * width * 3);
  let state = seed * 2654435761;
  for (let index = 0; index < pixels.length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[index] = state >>> 24;
  }
  return pixels;
}

/** Emits big previews, each followed by a small output: what a slow client must not buffer. */
export const floodApp = defineApp({
  id: 'test/flood',
  input: z.object({
    previews: z.number().int().min(1).max(1000).default(10),
    size: z.number().int().default(256),
  }),
  async run({ previews, size }, ctx) {
    for (let index = 1; index <= previews; index++) {
      ctx.signal.throwIfAborted();
      await ctx.preview({ data: noise(size, index), width: size, height: size, channels: 3 });
      ctx.emit({ index });
    }
    return { previews };
  },
});

import { z } from 'zod';
import { defineApp } from '../src/index.js';

/** A no-op task: answers its input. Placed inline or in replicas by the benchmark. */
export const noopTask = defineApp({
  id: 'bench/noop',
  input: z.object({ x: z.number() }),
  run: ({ x }) => ({ x }),
});

/** Maps `count` no-op tasks and answers how many came back. */
export const mapper = defineApp({
  id: 'bench/mapper',
  input: z.object({
    count: z.number().int().min(1).max(1_000_000),
    concurrency: z.number().int().min(1).max(1024),
  }),
  async run({ count, concurrency }, ctx) {
    const inputs = Array.from({ length: count }, (_, x) => ({ x }));
    let outputs = 0;
    for await (const _output of ctx.map('bench/noop', inputs, {
      concurrency,
      order: 'completion',
    })) {
      outputs++;
    }
    return { outputs };
  },
});

/** An app without setup, for cold starts. */
export const bare = defineApp({
  id: 'bench/bare',
  input: z.object({}),
  run: () => ({}),
});

/** Emits its pid, then waits until cancelled: the benchmark kills its replica. */
export const victim = defineApp({
  id: 'bench/victim',
  input: z.object({}),
  isolation: 'process',
  async run(_input, ctx) {
    ctx.emit({ pid: process.pid });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve());
    });
    return {};
  },
});

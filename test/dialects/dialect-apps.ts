import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import type { WireDialect } from '../../src/events/dialects/wire-dialect.js';

const stepsInput = z.object({
  prompt: z.string().max(200).default(''),
  steps: z.number().int().min(1).max(50).default(3),
  fail_at: z.number().int().min(1).optional(),
  delay_ms: z.number().min(0).max(200).default(10),
});

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Counts `steps` progress events as fal's page sends them, `delay_ms` apart (a reader that
 * falls behind may still skip superseded ones), then returns an image; `fail_at` throws at
 * that step.
 */
function stepsApp(id: `${string}/${string}`, dialect?: WireDialect) {
  return defineApp({
    id,
    input: stepsInput,
    dialect,
    async run({ steps, fail_at, delay_ms }, ctx) {
      for (let step = 1; step <= steps; step++) {
        if (step === fail_at) throw new Error(`the model failed at step ${step}`);
        ctx.progress(step, steps, { message: `Processing step ${step}/${steps}` });
        await (delay_ms > 0 ? pause(delay_ms) : Promise.resolve());
      }
      return { image_b64: 'aGVsbG8=', seed: 7 };
    },
  });
}

/** The default dialect (`sluice`). */
export const plainSteps = stepsApp('demo/steps');
/** An endpoint whose default is fal's `data` dialect. */
export const falSteps = stepsApp('demo/fal-steps', 'data');
/** An endpoint whose default is sheaf's `typed` dialect. */
export const sheafSteps = stepsApp('demo/sheaf-steps', 'typed');

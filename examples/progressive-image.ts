import { z } from 'zod';
import { createThrottle, defineApp, encodePreview, type RunContext } from 'sluice';
import { createDefaultScene } from './lib/path-tracer/default-scene.js';
import { ProgressiveRenderer } from './lib/path-tracer/progressive-renderer.js';
import type { Scene } from './lib/path-tracer/scene.js';
import { pickSeed, seedField } from './lib/seeded-random.js';
import { createTimeSlicer } from './lib/time-slicer.js';

/** Work between yields to the event loop: the run shares its process with other streams. */
const SLICE_BUDGET_MS = 10;
const FINAL_JPEG_QUALITY = 90;

const input = z.object({
  steps: z.number().int().min(1).max(200).default(16).describe('Samples per pixel: one per step'),
  preview_every: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(4)
    .describe('Send a preview every k steps'),
  width: z.number().int().min(64).max(1024).default(512).describe('Image width in pixels'),
  height: z.number().int().min(64).max(1024).default(512).describe('Image height in pixels'),
  bounces: z.number().int().min(1).max(5).default(3).describe('Light bounces per path'),
  seed: seedField('image'),
});

const output = z.object({
  image: z.object({
    url: z.string().describe('The final image as a JPEG data URI'),
    content_type: z.string(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
  }),
  seed: z.number().int().describe('The seed used: pass it again to get the same image'),
});

type Input = z.output<typeof input>;

async function refine(renderer: ProgressiveRenderer, input: Input, ctx: RunContext<Scene>) {
  const shouldPreview = createThrottle({ everySteps: input.preview_every });
  const slice = createTimeSlicer(SLICE_BUDGET_MS, ctx.signal);
  for (let step = 1; step <= input.steps; step++) {
    ctx.signal.throwIfAborted();
    await renderer.addSample(slice);
    ctx.progress(step, input.steps);
    if (shouldPreview(step, input.steps)) void ctx.preview(renderer.toImage());
  }
}

/**
 * A progressive path tracer: every step adds one sample per pixel to a small scene (glass,
 * metal and matte spheres on a checkered floor under a sky), so the previews start noisy
 * and clear up, the way a diffusion model's previews sharpen.
 *
 * @example
 * // sluice serve examples/progressive-image.ts, then:
 * // curl -N -X POST localhost:8000/demo/progressive-image/stream -d '{"steps":32,"seed":7}'
 */
export default defineApp({
  id: 'demo/progressive-image',
  description: 'A path tracer that refines its image step by step, with JPEG previews on the way',
  input,
  output,
  setup: (): Scene => createDefaultScene(),
  async run(input, ctx) {
    const seed = input.seed ?? pickSeed();
    const { width, height, bounces } = input;
    const renderer = new ProgressiveRenderer({ scene: ctx.state, width, height, seed, bounces });
    await refine(renderer, input, ctx);
    const { image } = await encodePreview(renderer.toImage(), FINAL_JPEG_QUALITY);
    return { image, seed };
  },
});

import sharp from 'sharp';
import { z } from 'zod';
import { defineApp, type RunContext } from 'sluice';
import { pickSeed, seedField } from './lib/seeded-random.js';

/** What one render needs: the same values give the same image, however many ranks share it. */
export interface TileRender {
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly seed: number;
}

/** A horizontal band of rows, `start` included, `end` excluded. */
export interface Band {
  readonly start: number;
  readonly end: number;
}

const CHANNELS = 3;
const MAX_OCTAVES = 6;

/**
 * The rows rank `rank` of `worldSize` renders: bands as even as whole rows allow.
 *
 * @example
 * bandOf(1, 4, 256); // { start: 64, end: 128 }
 */
export function bandOf(rank: number, worldSize: number, height: number): Band {
  return {
    start: Math.floor((rank * height) / worldSize),
    end: Math.floor(((rank + 1) * height) / worldSize),
  };
}

/** Seeded value noise, from integer hashing only, so every process gets the same bits. */
class Noise {
  constructor(private readonly seed: number) {}

  /** A float in [0, 1) for a lattice point and a salt. */
  hash(x: number, y: number, salt: number): number {
    let mixed = Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(x, 0x27d4eb2d);
    mixed = Math.imul(mixed ^ Math.imul(y, 0x165667b1) ^ (salt << 8), 0xc2b2ae35);
    mixed ^= mixed >>> 15;
    mixed = Math.imul(mixed, 0x2c1b3c6d);
    return ((mixed ^ (mixed >>> 13)) >>> 0) / 2 ** 32;
  }

  /** Smoothly interpolated lattice noise of one octave. */
  value(u: number, v: number, octave: number): number {
    const x = Math.floor(u);
    const y = Math.floor(v);
    const sx = (u - x) * (u - x) * (3 - 2 * (u - x));
    const sy = (v - y) * (v - y) * (3 - 2 * (v - y));
    const top = this.hash(x, y, octave) * (1 - sx) + this.hash(x + 1, y, octave) * sx;
    const bottom = this.hash(x, y + 1, octave) * (1 - sx) + this.hash(x + 1, y + 1, octave) * sx;
    return top * (1 - sy) + bottom * sy;
  }

  /** Fractal noise in [0, 1): `octaves` layers, each twice as fine and half as strong. */
  fractal(u: number, v: number, octaves: number): number {
    let sum = 0;
    let weight = 0;
    for (let octave = 0; octave < octaves; octave++) {
      const scale = 2 ** octave;
      sum += this.value(u * scale, v * scale, octave) / scale;
      weight += 1 / scale;
    }
    return sum / weight;
  }
}

type Rgb = readonly [number, number, number];

/** The clean image as step `step` predicts it: coarse at first, finer detail at every step. */
function predictor(render: TileRender, step: number): (x: number, y: number) => Rgb {
  const octaves = 1 + Math.floor(((MAX_OCTAVES - 1) * step) / render.steps);
  const [tone, warpU, warpV] = [0, 1, 2].map((offset) => new Noise(render.seed + offset)) as [
    Noise,
    Noise,
    Noise,
  ];
  return (x, y) => {
    const u = (x / render.width) * 4;
    const v = (y / render.height) * 4;
    const warpedU = u + 1.6 * warpU.fractal(u, v, octaves);
    const warpedV = v + 1.6 * warpV.fractal(u + 5.2, v + 1.3, octaves);
    const shade = tone.fractal(warpedU, warpedV, octaves) * 1.5;
    const channel = (phase: number) => 0.5 + 0.5 * Math.cos(2 * Math.PI * (shade + phase));
    return [channel(0), channel(0.33), channel(0.67)];
  };
}

/**
 * A band's starting point: seeded noise, one value per channel of each pixel.
 *
 * @example
 * const latents = initialBand(render, bandOf(rank, worldSize, render.height));
 */
export function initialBand(render: TileRender, band: Band): Float32Array {
  const latents = new Float32Array((band.end - band.start) * render.width * CHANNELS);
  const noise = new Noise(render.seed);
  for (let index = 0; index < latents.length; index++) {
    const pixel = Math.floor(index / CHANNELS);
    const x = pixel % render.width;
    const y = band.start + Math.floor(pixel / render.width);
    latents[index] = noise.hash(x, y, 100 + (index % CHANNELS));
  }
  return latents;
}

/**
 * One denoising step over a band, in place: each pixel moves towards this step's prediction
 * by 1 / (steps left), so the last step lands on the clean image. Every pixel depends only
 * on its own position, so bands rendered apart join into the image rendered whole.
 *
 * @example
 * for (let step = 1; step <= render.steps; step++) denoiseBand({ render, band, latents, step });
 */
export function denoiseBand(job: {
  readonly render: TileRender;
  readonly band: Band;
  readonly latents: Float32Array;
  readonly step: number;
}): void {
  const { render, band, latents, step } = job;
  const blend = 1 / (render.steps - step + 1);
  const predict = predictor(render, step);
  for (let y = band.start; y < band.end; y++) {
    for (let x = 0; x < render.width; x++) {
      const offset = ((y - band.start) * render.width + x) * CHANNELS;
      const clean = predict(x, y);
      for (let channel = 0; channel < CHANNELS; channel++) {
        const current = latents[offset + channel] ?? 0;
        latents[offset + channel] = current + ((clean[channel] ?? 0) - current) * blend;
      }
    }
  }
}

/**
 * A band's latents as 8-bit RGB pixels.
 *
 * @example
 * const tile = toPixels(latents);
 */
export function toPixels(latents: Float32Array): Uint8Array {
  const pixels = new Uint8Array(latents.length);
  for (let index = 0; index < latents.length; index++) {
    pixels[index] = Math.round(Math.min(1, Math.max(0, latents[index] ?? 0)) * 255);
  }
  return pixels;
}

/**
 * Joins the bands' pixels, top to bottom, into one RGB image.
 *
 * @example
 * const image = assemble(tiles, render);
 */
export function assemble(tiles: readonly Uint8Array[], render: TileRender) {
  const data = new Uint8Array(render.width * render.height * CHANNELS);
  let offset = 0;
  for (const tile of tiles) {
    data.set(tile, offset);
    offset += tile.length;
  }
  if (offset !== data.length) throw new RangeError('The tiles do not cover the image');
  return { data, width: render.width, height: render.height, channels: CHANNELS } as const;
}

/**
 * The whole image rendered in one process: the reference a group's output must equal.
 *
 * @example
 * const pixels = renderImage({ width: 64, height: 64, steps: 4, seed: 1 });
 */
export function renderImage(render: TileRender): Uint8Array {
  const band = { start: 0, end: render.height };
  const latents = initialBand(render, band);
  for (let step = 1; step <= render.steps; step++) denoiseBand({ render, band, latents, step });
  return toPixels(latents);
}

const input = z.object({
  steps: z.number().int().min(1).max(100).default(20).describe('Denoising steps'),
  preview_every: z.number().int().min(1).max(100).default(5).describe('Preview every k steps'),
  width: z.number().int().min(16).max(1024).default(256).describe('Image width in pixels'),
  height: z.number().int().min(16).max(1024).default(256).describe('Image height in pixels'),
  seed: seedField('image'),
});

const output = z.object({
  image: z.object({
    url: z.string().describe('The final image as a PNG data URI'),
    content_type: z.string(),
    width: z.number().int(),
    height: z.number().int(),
  }),
  seed: z.number().int().describe('The seed used: pass it again to get the same image'),
  world_size: z.number().int().describe('How many ranks rendered it'),
});

type Output = z.output<typeof output>;

async function encodePng(image: ReturnType<typeof assemble>): Promise<Output['image']> {
  const { data, width, height, channels } = image;
  const png = await sharp(data, { raw: { width, height, channels } }).png().toBuffer();
  const url = `data:image/png;base64,${png.toString('base64')}`;
  return { url, content_type: 'image/png', width, height };
}

/** Rank 0 gathers every band; the others send theirs. */
async function gatherImage(latents: Float32Array, render: TileRender, ctx: RunContext) {
  const tiles = await ctx.gather(toPixels(latents));
  return tiles && assemble(tiles, render);
}

/**
 * A distributed render on sluice: a group of `worldSize` ranks renders one image, each rank its
 * own band of rows, through a seeded, diffusion-like denoising loop. Every k steps rank 0
 * gathers the bands and streams a preview; a barrier keeps the ranks in step; the output is
 * the whole image as a PNG.
 *
 * @example
 * // sluice serve examples/tiles.ts, then:
 * // curl -N -X POST localhost:8000/demo/tiles/stream -d '{"steps":20,"seed":7}'
 */
export default defineApp({
  id: 'demo/tiles',
  description: 'A group of ranks renders the bands of one image, with previews gathered by rank 0',
  input,
  output,
  isolation: 'process',
  worldSize: 4,
  async run(request, ctx): Promise<Output> {
    const seed = await ctx.broadcast(request.seed ?? pickSeed());
    const render = { width: request.width, height: request.height, steps: request.steps, seed };
    const band = bandOf(ctx.rank, ctx.worldSize, render.height);
    const latents = initialBand(render, band);
    for (let step = 1; step <= render.steps; step++) {
      ctx.signal.throwIfAborted();
      denoiseBand({ render, band, latents, step });
      if (ctx.rank === 0) ctx.progress(step, render.steps);
      if (step % request.preview_every === 0 && step < render.steps) {
        const preview = await gatherImage(latents, render, ctx);
        if (preview) void ctx.preview(preview);
      }
      await ctx.barrier();
    }
    const image = await gatherImage(latents, render, ctx);
    // Only rank 0's return value is the output; the other ranks' is dropped.
    const final = image
      ? await encodePng(image)
      : { url: '', content_type: '', width: 0, height: 0 };
    return { image: final, seed, world_size: ctx.worldSize };
  },
});

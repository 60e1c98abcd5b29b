import { z } from 'zod';
import { defineApp, encodePreview } from 'sluice';

/** What one frame needs: the same values always give the same image. */
export interface JuliaView {
  readonly re: number;
  readonly im: number;
  readonly zoom: number;
  readonly size: number;
  readonly iterations: number;
}

const CHANNELS = 3;

/** A smooth palette: escape time (0 to 1) to RGB, black inside the set. */
function shade(escape: number, pixels: Uint8Array, offset: number): void {
  if (escape >= 1) return; // inside: stays black
  const angle = escape * Math.PI * 2;
  pixels[offset] = 128 + 127 * Math.sin(angle);
  pixels[offset + 1] = 128 + 127 * Math.sin(angle + 2.1);
  pixels[offset + 2] = 128 + 127 * Math.sin(angle + 4.2);
}

/** Iterations of z² + c before |z| passes 2, smoothed; `iterations` when it never does. */
function escapeTime(x: number, y: number, view: JuliaView): number {
  let re = x;
  let im = y;
  for (let step = 0; step < view.iterations; step++) {
    const re2 = re * re;
    const im2 = im * im;
    if (re2 + im2 > 4) return step + 1 - Math.log2(Math.log2(re2 + im2) / 2);
    im = 2 * re * im + view.im;
    re = re2 - im2 + view.re;
  }
  return view.iterations;
}

/**
 * Renders the Julia set of c = re + im·i as raw RGB pixels, `size` × `size`: a few
 * milliseconds at the sizes the input allows, so a slider can drive it live.
 *
 * @example
 * renderJulia({ re: -0.7, im: 0.27, zoom: 1, size: 96, iterations: 64 }).length; // 96 * 96 * 3
 */
export function renderJulia(view: JuliaView): Uint8Array {
  const pixels = new Uint8Array(view.size * view.size * CHANNELS);
  const scale = 3 / (view.size * view.zoom);
  for (let row = 0; row < view.size; row++) {
    for (let column = 0; column < view.size; column++) {
      const x = (column - view.size / 2) * scale;
      const y = (row - view.size / 2) * scale;
      const escape = escapeTime(x, y, view) / view.iterations;
      shade(escape, pixels, (row * view.size + column) * CHANNELS);
    }
  }
  return pixels;
}

/**
 * A fast low-resolution Julia set renderer made for the realtime view: each change of a
 * slider is one input, the newest frame wins. The playground offers its live mode.
 */
export default defineApp({
  id: 'demo/julia',
  description: 'A Julia set, rendered small and fast: drag the sliders with Live on.',
  input: z.object({
    re: z.number().min(-1).max(1).default(-0.7).describe('Real part of c'),
    im: z.number().min(-1).max(1).default(0.27).describe('Imaginary part of c'),
    zoom: z.number().min(0.5).max(8).default(1).describe('Zoom'),
    size: z.number().int().min(32).max(256).default(128).describe('Width and height, pixels'),
    iterations: z.number().int().min(8).max(256).default(64).describe('Iterations per pixel'),
  }),
  async run(view) {
    const started = performance.now();
    const pixels = renderJulia(view);
    const rendered = performance.now() - started;
    const frame = await encodePreview(
      { data: pixels, width: view.size, height: view.size, channels: CHANNELS },
      80,
    );
    return { ...frame, render_ms: Math.round(rendered * 100) / 100 };
  },
  realtime: { live: true },
});

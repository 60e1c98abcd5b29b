/** Narkowicz's fit of the ACES filmic curve: soft highlights instead of clipped ones. */
function filmic(value: number): number {
  return Math.min(1, (value * (2.51 * value + 0.03)) / (value * (2.43 * value + 0.59) + 0.14));
}

/** Display values 0–1 to sRGB-ish bytes, tabulated: a 4096-step table is finer than 8 bits. */
const GAMMA_TABLE = Uint8Array.from({ length: 4097 }, (_, index) =>
  Math.round(255 * (index / 4096) ** (1 / 2.2)),
);

/**
 * Turns summed linear radiance (three floats per pixel, over `samples` samples) into 8-bit
 * RGB: average, expose, filmic curve, gamma.
 *
 * @example
 * const rgb = toneMap(accumulator, 16, 1.0);
 */
export function toneMap(accumulator: Float32Array, samples: number, exposure: number): Uint8Array {
  const pixels = new Uint8Array(accumulator.length);
  const scale = exposure / Math.max(samples, 1);
  for (let index = 0; index < accumulator.length; index++) {
    const display = filmic((accumulator[index] ?? 0) * scale);
    pixels[index] = GAMMA_TABLE[Math.round(display * 4096)] ?? 255;
  }
  return pixels;
}

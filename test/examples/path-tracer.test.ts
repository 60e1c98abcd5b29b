import { describe, expect, it } from 'vitest';
import { createDefaultScene } from '../../examples/lib/path-tracer/default-scene.js';
import { ProgressiveRenderer } from '../../examples/lib/path-tracer/progressive-renderer.js';

const noPause = () => Promise.resolve();

async function renderSamples(samples: number): Promise<Uint8Array> {
  const scene = createDefaultScene();
  const renderer = new ProgressiveRenderer({ scene, width: 48, height: 48, seed: 5, bounces: 3 });
  for (let sample = 0; sample < samples; sample++) await renderer.addSample(noPause);
  return Uint8Array.from(renderer.toImage().data);
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let total = 0;
  for (let index = 0; index < a.length; index++)
    total += Math.abs((a[index] ?? 0) - (b[index] ?? 0));
  return total / a.length;
}

describe('ProgressiveRenderer', () => {
  it('converges: more samples come closer to a well-sampled reference', async () => {
    const reference = await renderSamples(96);
    const errors = [await renderSamples(1), await renderSamples(4), await renderSamples(16)].map(
      (image) => meanDifference(image, reference),
    );
    expect(errors[0]).toBeGreaterThan(errors[1] ?? Infinity);
    expect(errors[1]).toBeGreaterThan(errors[2] ?? Infinity);
  });

  it('renders the same pixels from the same seed', async () => {
    expect(await renderSamples(2)).toEqual(await renderSamples(2));
  });
});

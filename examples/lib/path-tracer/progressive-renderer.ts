import type { RawImage } from 'sluice';
import { Camera } from './camera.js';
import { resetPath } from './path.js';
import type { Scene } from './scene.js';
import { toneMap } from './tone-map.js';
import { tracePath } from './trace-path.js';
import { createTraceScratch, type TraceScratch } from './trace-scratch.js';

/** Options of a {@link ProgressiveRenderer}. */
export interface RendererOptions {
  readonly scene: Scene;
  readonly width: number;
  readonly height: number;
  /** Seeds the one random stream every sample draws from, in a fixed pixel order. */
  readonly seed: number;
  /** Scatterings per path, 1 or more. */
  readonly bounces: number;
  /** Brightness before the filmic curve (default 1). */
  readonly exposure?: number;
}

/**
 * A path tracer that refines its image one sample per pixel at a time, so the image can be
 * shown after every pass, its noise falling as passes accumulate. The same options give the
 * same pixels, byte for byte.
 *
 * @example
 * const renderer = new ProgressiveRenderer({ scene, width: 256, height: 256, seed: 1, bounces: 3 });
 * await renderer.addSample(() => yieldToEventLoop());
 * const image = renderer.toImage();
 */
export class ProgressiveRenderer {
  private readonly accumulator: Float32Array;
  private readonly camera: Camera;
  private readonly scratch: TraceScratch;
  private samples = 0;
  private latestImage: { readonly samples: number; readonly image: RawImage } | undefined;

  constructor(private readonly options: RendererOptions) {
    const { scene, width, height, seed } = options;
    this.accumulator = new Float32Array(width * height * 3);
    this.camera = new Camera(scene.camera, width, height);
    this.scratch = createTraceScratch(seed);
  }

  /** Samples per pixel so far. */
  get sampleCount(): number {
    return this.samples;
  }

  /** Adds one sample to every pixel, awaiting `afterRow` after each row (to yield or stop). */
  async addSample(afterRow: () => Promise<void>): Promise<void> {
    for (let row = 0; row < this.options.height; row++) {
      this.renderRow(row);
      await afterRow();
    }
    this.samples++;
  }

  /**
   * The image so far as 8-bit RGB, tone-mapped once per sample count. Its pixels are never
   * written again, so it may be handed to an encoder that reads it later.
   */
  toImage(): RawImage {
    if (this.latestImage?.samples !== this.samples) {
      const { width, height, exposure = 1 } = this.options;
      const data = toneMap(this.accumulator, this.samples, exposure);
      this.latestImage = { samples: this.samples, image: { data, width, height, channels: 3 } };
    }
    return this.latestImage.image;
  }

  private renderRow(row: number): void {
    const { scene, width, bounces } = this.options;
    const { accumulator, camera, scratch } = this;
    const { ray, path, random } = scratch;
    for (let column = 0, index = row * width * 3; column < width; column++, index += 3) {
      camera.aim(ray, column + random.next(), row + random.next());
      resetPath(path);
      tracePath(scene, scratch, bounces);
      accumulator[index] = (accumulator[index] ?? 0) + path.radianceRed;
      accumulator[index + 1] = (accumulator[index + 1] ?? 0) + path.radianceGreen;
      accumulator[index + 2] = (accumulator[index + 2] ?? 0) + path.radianceBlue;
    }
  }
}

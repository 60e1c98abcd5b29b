import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { z } from 'zod';
import type { PreviewOptions } from '../../src/app/app-types.js';
import { defineApp } from '../../src/app/define-app.js';
import type { PreviewSource, RawImage } from '../../src/app/preview.js';
import type { ImagePreview } from '../../src/events/event-types.js';
import { runApp, sleep, soleTerminal, terminalError, typesOf } from '../runtime/run-harness.js';

/** A deterministic noisy image, so JPEG quality shows in the size. */
function noise(width: number, height: number, channels: 3 | 4): RawImage {
  const data = new Uint8Array(width * height * channels);
  let seed = 12345;
  for (let index = 0; index < data.length; index++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[index] = seed >>> 24;
  }
  return { data, width, height, channels };
}

function previewApp(source: PreviewSource, options?: PreviewOptions, previewQuality?: number) {
  return defineApp({
    id: 'demo/preview',
    input: z.object({}),
    previewQuality,
    async run(_input, ctx) {
      await ctx.preview(source, options);
      return 'done';
    },
  });
}

async function previewOf(app: ReturnType<typeof previewApp>): Promise<ImagePreview> {
  const { events } = await runApp(app);
  soleTerminal(events);
  expect(typesOf(events)).toEqual(['preview', 'result']);
  return events[0]!.data as ImagePreview;
}

async function decode(payload: ImagePreview) {
  const [prefix, base64] = payload.image.url.split(',');
  expect(prefix).toBe('data:image/jpeg;base64');
  const bytes = Buffer.from(base64!, 'base64');
  return { bytes, metadata: await sharp(bytes).metadata() };
}

describe('ctx.preview', () => {
  it.each([3, 4] as const)(
    'encodes raw pixels with %i channels as a JPEG data URI',
    async (channels) => {
      const payload = await previewOf(previewApp(noise(24, 16, channels)));
      expect(payload).toEqual({
        image: {
          url: expect.stringMatching(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/) as string,
          content_type: 'image/jpeg',
          width: 24,
          height: 16,
        },
      });
      const { metadata } = await decode(payload);
      expect(metadata).toMatchObject({ format: 'jpeg', width: 24, height: 16, channels: 3 });
    },
  );

  it('re-encodes an encoded PNG as JPEG', async () => {
    const { data, width, height, channels } = noise(20, 10, 4);
    const png = await sharp(data, { raw: { width, height, channels } }).png().toBuffer();
    const payload = await previewOf(previewApp(png));
    expect(payload.image).toMatchObject({ content_type: 'image/jpeg', width: 20, height: 10 });
    expect((await decode(payload)).metadata.format).toBe('jpeg');
  });

  it('accepts a Uint8ClampedArray, such as canvas pixels', async () => {
    const { data, width, height } = noise(8, 8, 4);
    const clamped = new Uint8ClampedArray(data);
    const payload = await previewOf(previewApp({ data: clamped, width, height, channels: 4 }));
    expect(payload.image.width).toBe(8);
  });

  it('encodes a view into a larger buffer from its own offset', async () => {
    const backing = new Uint8Array(4 + 2 * 2 * 3).fill(0);
    const view = backing.subarray(4);
    view.fill(255);
    const payload = await previewOf(previewApp({ data: view, width: 2, height: 2, channels: 3 }));
    const { bytes } = await decode(payload);
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeGreaterThan(240);
  });

  it('lets the quality option, and the app default, change the size', async () => {
    const image = noise(64, 64, 3);
    const sizeOf = async (options?: PreviewOptions, previewQuality?: number) =>
      (await decode(await previewOf(previewApp(image, options, previewQuality)))).bytes.length;
    const low = await sizeOf({ quality: 10 });
    const high = await sizeOf({ quality: 95 });
    expect(low).toBeLessThan(high);
    expect(await sizeOf(undefined, 10)).toBe(low);
    expect(await sizeOf({ quality: 95 }, 10)).toBe(high);
  });
});

describe('ctx.preview ordering', () => {
  it('keeps call order when the preview is not awaited', async () => {
    const app = defineApp({
      id: 'demo/order',
      input: z.object({}),
      run(_input, ctx) {
        ctx.emit('before');
        void ctx.preview(noise(256, 256, 3));
        ctx.emit('after');
        ctx.progress(1, 1);
        return 'done';
      },
    });
    const { events } = await runApp(app);
    expect(typesOf(events)).toEqual(['output', 'preview', 'output', 'progress', 'result']);
    expect(events[2]!.data).toBe('after');
  });

  it('keeps the order of many previews encoded concurrently', async () => {
    const sizes = [96, 8, 64, 16];
    const app = defineApp({
      id: 'demo/many-previews',
      input: z.object({}),
      run(_input, ctx) {
        for (const size of sizes) void ctx.preview(noise(size, size, 3));
        return 'done';
      },
    });
    const { events } = await runApp(app);
    const widths = events.slice(0, -1).map((event) => (event.data as ImagePreview).image.width);
    expect(widths).toEqual(sizes);
  });
});

describe('ctx.preview misuse', () => {
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onRejection);
  });
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
  });

  const badRaw: RawImage = { data: new Uint8Array(10), width: 4, height: 4, channels: 3 };

  function failingApp(source: PreviewSource, awaitPreview: boolean, thenWaitMs: number) {
    return defineApp({
      id: 'demo/bad-preview',
      input: z.object({}),
      async run(_input, ctx) {
        const queued = ctx.preview(source);
        if (awaitPreview) await queued.catch(() => undefined);
        if (thenWaitMs > 0) await sleep(thenWaitMs);
        return 'done';
      },
    });
  }

  it.each([
    ['not awaited', false],
    ['awaited', true],
  ])('fails the run with app_error on raw data of the wrong length (%s)', async (_name, wait) => {
    const { events } = await runApp(failingApp(badRaw, wait, 5));
    const error = terminalError(events);
    expect(error.code).toBe('app_error');
    expect(error.message).toMatch(/preview/);
    await sleep(5);
    expect(unhandled).toEqual([]);
  });

  it('fails the run when the app returns at once after a bad raw preview', async () => {
    const { events } = await runApp(failingApp(badRaw, false, 0));
    expect(terminalError(events).code).toBe('app_error');
    await sleep(5);
    expect(unhandled).toEqual([]);
  });

  it.each([
    ['zero width', { data: new Uint8Array(0), width: 0, height: 4, channels: 3 }],
    ['two channels', { data: new Uint8Array(32), width: 4, height: 4, channels: 2 }],
  ])('fails the run on a raw image with %s', async (_name, image) => {
    const { events } = await runApp(failingApp(image as RawImage, false, 5));
    expect(terminalError(events).code).toBe('app_error');
  });

  it('fails the run on bytes that are no image', async () => {
    const { events } = await runApp(failingApp(new Uint8Array([1, 2, 3, 4]), false, 30));
    expect(terminalError(events).code).toBe('app_error');
    expect(unhandled).toEqual([]);
  });

  it('fails the run on bytes that are no image even when the app returns at once', async () => {
    const { events } = await runApp(failingApp(new Uint8Array([1, 2, 3, 4]), false, 0));
    expect(terminalError(events).code).toBe('app_error');
    await sleep(5);
    expect(unhandled).toEqual([]);
  });

  it('rejects the promise it returns, for an app that awaits it', async () => {
    let rejected: unknown;
    const app = defineApp({
      id: 'demo/await-bad',
      input: z.object({}),
      async run(_input, ctx) {
        await ctx.preview(badRaw).catch((error: unknown) => (rejected = error));
      },
    });
    await runApp(app);
    expect(rejected).toBeInstanceOf(TypeError);
  });
});

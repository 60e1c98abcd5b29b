import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import type { ImagePayload } from '../../src/events/event-types.js';
import { runApp, terminalError } from '../runtime/run-harness.js';

function solid(width: number, height: number) {
  return {
    data: new Uint8Array(width * height * 3).fill(128),
    width,
    height,
    channels: 3 as const,
  };
}

describe('ctx.preview with several images', () => {
  it('sends one preview event {images: [...]}, each a JPEG data URI with its size', async () => {
    const app = defineApp({
      id: 'demo/grid',
      input: z.object({}),
      async run(_input, ctx) {
        await ctx.preview([solid(8, 4), solid(6, 6)]);
        return {};
      },
    });
    const { events } = await runApp(app);
    expect(events.map((event) => event.type)).toEqual(['preview', 'result']);
    const { images } = events[0]!.data as { images: ImagePayload[] };
    expect(images.map(({ width, height }) => [width, height])).toEqual([
      [8, 4],
      [6, 6],
    ]);
    for (const image of images) {
      expect(image.content_type).toBe('image/jpeg');
      expect(image.url.startsWith('data:image/jpeg;base64,')).toBe(true);
    }
  });

  it('one image that cannot be encoded fails the run with app_error', async () => {
    const app = defineApp({
      id: 'demo/grid',
      input: z.object({}),
      async run(_input, ctx) {
        await ctx.preview([solid(4, 4), new Uint8Array([1, 2, 3])]).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return {};
      },
    });
    const { events } = await runApp(app);
    expect(terminalError(events).code).toBe('app_error');
  });
});

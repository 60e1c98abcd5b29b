import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/app/app-types.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import type { ImagePreview, ProgressPayload } from '../../src/events/event-types.js';
import app from '../../examples/progressive-image.js';
import { longestEventLoopStall } from './event-loop-stall.js';
import { decodeJpegDataUri } from './jpeg-data-uri.js';
import { payloadsOf, runApp } from './run-app.js';
import { RunControl } from '../../src/runtime/run-control.js';

interface ImageResult {
  readonly image: {
    readonly url: string;
    readonly content_type: string;
    width: number;
    height: number;
  };
  readonly seed: number;
}

const state = await app.setup();
const render = (input: Record<string, unknown>) => runApp({ app, state, input });
const small = { width: 64, height: 64 };

describe('demo/progressive-image', () => {
  it('reports progress every step and previews every k steps and at the end', async () => {
    const record = await render({ ...small, steps: 10, preview_every: 4, seed: 1 });
    const progress = payloadsOf<ProgressPayload>(record, 'progress');
    expect(progress).toEqual(
      Array.from({ length: 10 }, (_, index) => ({
        step: index + 1,
        total: 10,
        progress: (index + 1) / 10,
      })),
    );
    const order = record.events.map((event) =>
      event.type === 'progress' ? (event.data as ProgressPayload).step : event.type,
    );
    expect(order).toEqual([
      1,
      2,
      3,
      4,
      'preview',
      5,
      6,
      7,
      8,
      'preview',
      9,
      10,
      'preview',
      'result',
    ]);
  });

  it('sends previews as JPEG data URIs of the requested size', async () => {
    const record = await render({ width: 96, height: 64, steps: 2, preview_every: 1, seed: 1 });
    const previews = payloadsOf<ImagePreview>(record, 'preview');
    expect(previews).toHaveLength(2);
    for (const { image } of previews) {
      expect(image).toMatchObject({ content_type: 'image/jpeg', width: 96, height: 64 });
      expect(await decodeJpegDataUri(image.url)).toEqual({ format: 'jpeg', width: 96, height: 64 });
    }
  });

  it('returns the final JPEG and the seed it picked when none was given', async () => {
    const { outcome, result } = await render({ ...small, steps: 1 });
    expect(outcome).toEqual({ ok: true });
    const { image, seed } = result as ImageResult;
    expect(image).toMatchObject({ content_type: 'image/jpeg', width: 64, height: 64 });
    expect(await decodeJpegDataUri(image.url)).toMatchObject({ format: 'jpeg' });
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
  });

  it('gives byte-identical output for the same seed and different output for another', async () => {
    const input = { ...small, steps: 3, seed: 42 };
    const first = await render(input);
    const second = await render(input);
    const other = await render({ ...input, seed: 43 });
    expect(JSON.stringify(second.result)).toBe(JSON.stringify(first.result));
    expect(payloadsOf(second, 'preview')).toEqual(payloadsOf(first, 'preview'));
    expect((other.result as ImageResult).image.url).not.toBe(
      (first.result as ImageResult).image.url,
    );
  });

  it('repeats a run whose seed it picked, given that seed back', async () => {
    const first = (await render({ ...small, steps: 2 })).result as ImageResult;
    const again = (await render({ ...small, steps: 2, seed: first.seed })).result as ImageResult;
    expect(again).toEqual(first);
  });

  it('stops working soon after it is cancelled', async () => {
    const control = new RunControl('r1');
    let progressCalls = 0;
    const countProgress = (context: RunContext): RunContext => ({
      ...context,
      progress: (step, total, message) => {
        progressCalls++;
        context.progress(step, total, message);
      },
    });
    let abortedAt = 0;
    const abortAtStep3 = (event: { type: string; data: unknown }) => {
      if (event.type !== 'progress' || (event.data as ProgressPayload).step !== 3) return;
      abortedAt = performance.now();
      control.abort(new SluiceError('cancelled', 'x'));
    };
    const input = { width: 128, height: 128, steps: 200, seed: 1 };
    const record = await runApp({
      app,
      state,
      input,
      control,
      onEvent: abortAtStep3,
      wrapContext: countProgress,
    });
    expect(performance.now() - abortedAt).toBeLessThan(250);
    expect(record.outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(record.events.at(-1)).toMatchObject({ type: 'error', data: { code: 'cancelled' } });
    const callsAtEnd = progressCalls;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(progressCalls).toBe(callsAtEnd);
    expect(progressCalls).toBeLessThanOrEqual(4);
  });

  it('renders the default 512 × 512 in slices, never blocking the event loop for long', async () => {
    let record: Awaited<ReturnType<typeof render>> | undefined;
    const started = performance.now();
    const stallMs = await longestEventLoopStall(async () => {
      record = await render({ steps: 6, seed: 7 });
    });
    const durationMs = performance.now() - started;
    expect((record?.result as ImageResult).image).toMatchObject({ width: 512, height: 512 });
    // A renderer that never yields stalls for the whole run (six steps of ~50 ms each).
    expect(stallMs).toBeLessThan(durationMs / 3);
  });

  it('rejects sizes outside its bounds', async () => {
    const endpoint = app.endpoints.get('');
    const parsed = await endpoint?.input.safeParseAsync({ width: 4096 });
    expect(parsed?.success).toBe(false);
  });
});

import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ParsedEvent } from './run-app.js';
import tilesApp, {
  assemble,
  bandOf,
  denoiseBand,
  initialBand,
  renderImage,
  toPixels,
} from '../../examples/tiles.js';
import type { NewEvent, ImagePreview, ProgressPayload } from '../../src/events/event-types.js';
import { createCollectives } from '../../src/runtime/collectives/create-collectives.js';
import { createMemoryTransports } from '../../src/runtime/collectives/memory-transports.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { executeRun } from '../../src/runtime/execute-run.js';
import { RunControl } from '../../src/runtime/run-control.js';
import { startGateway } from '../support/gateway.js';
import { streamAll } from '../support/sse-client.js';

interface TilesOutput {
  readonly image: { url: string; content_type: string; width: number; height: number };
  readonly seed: number;
  readonly world_size: number;
}

const PNG_DATA_URI = 'data:image/png;base64,';

async function decodePng(url: string) {
  expect(url.startsWith(PNG_DATA_URI)).toBe(true);
  const bytes = Buffer.from(url.slice(PNG_DATA_URI.length), 'base64');
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return {
    pixels: new Uint8Array(data),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

/** Runs every rank of the app through the real executor in this process, over memory transports. */
async function runGroup(worldSize: number, input: Record<string, unknown>) {
  const endpoint = tilesApp.endpoints.get('')!;
  const parsed = await endpoint.input.parseAsync(input);
  const transports = createMemoryTransports(worldSize);
  const eventsOfRank = transports.map(() => [] as ParsedEvent[]);
  const outcomes = await Promise.all(
    transports.map((transport) => {
      const control = new RunControl(`rank-${transport.rank}`);
      const sink = (batch: readonly NewEvent[]) => {
        const events = eventsOfRank[transport.rank] ?? [];
        for (const event of batch) events.push({ type: event.type, data: JSON.parse(event.json) });
        return Promise.resolve({ accepted: true as const, lastSeq: events.length });
      };
      const collectives = createCollectives({
        transport,
        timeoutMs: 30_000,
        signal: control.signal,
      });
      const requestId = `rank-${transport.rank}`;
      const job = { app: tilesApp, endpoint, input: parsed, state: undefined, requestId };
      return executeRun({ ...job, control, sink, collectives });
    }),
  );
  const rankZero = eventsOfRank[0] ?? [];
  const ofType = (type: string) =>
    rankZero.filter((event) => event.type === type).map((event) => event.data);
  return { outcomes, rankZero, ofType };
}

const small = { width: 48, height: 40, steps: 6, preview_every: 2, seed: 7 };

describe('demo/tiles render', () => {
  it('splits the rows into bands that cover the image once', () => {
    const bands = [0, 1, 2, 3].map((rank) => bandOf(rank, 4, 10));
    expect(bands).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 5 },
      { start: 5, end: 7 },
      { start: 7, end: 10 },
    ]);
  });

  it('joins bands rendered apart into exactly the image rendered whole', () => {
    const render = { width: 32, height: 21, steps: 5, seed: 3 };
    const tiles = [0, 1, 2].map((rank) => {
      const band = bandOf(rank, 3, render.height);
      const latents = initialBand(render, band);
      for (let step = 1; step <= render.steps; step++) denoiseBand({ render, band, latents, step });
      return toPixels(latents);
    });
    expect(assemble(tiles, render).data).toEqual(renderImage(render));
  });

  it('depends on the seed', () => {
    const render = { width: 16, height: 16, steps: 2, seed: 1 };
    expect(renderImage(render)).not.toEqual(renderImage({ ...render, seed: 2 }));
  });
});

describe('demo/tiles over an in-memory group of 4', () => {
  it('outputs the image a single-process render of the same seed gives, as a PNG', async () => {
    const { outcomes, ofType } = await runGroup(4, small);
    expect(outcomes).toEqual(Array(4).fill({ ok: true }));
    const [result] = ofType('result') as TilesOutput[];
    expect(result).toMatchObject({ seed: 7, world_size: 4 });
    expect(result?.image).toMatchObject({ content_type: 'image/png', width: 48, height: 40 });
    const decoded = await decodePng(result?.image.url ?? '');
    expect(decoded).toMatchObject({ width: 48, height: 40, channels: 3 });
    expect(decoded.pixels).toEqual(renderImage({ width: 48, height: 40, steps: 6, seed: 7 }));
  });

  it('streams progress from rank 0 every step and a gathered preview every k steps', async () => {
    const { rankZero, ofType } = await runGroup(4, small);
    const order = rankZero.map((event) =>
      event.type === 'progress' ? (event.data as ProgressPayload).step : event.type,
    );
    expect(order).toEqual([1, 2, 'preview', 3, 4, 'preview', 5, 6, 'result']);
    for (const { image } of ofType('preview') as ImagePreview[]) {
      expect(image).toMatchObject({ content_type: 'image/jpeg', width: 48, height: 40 });
    }
  });

  it('uses rank 0’s seed on every rank when none is given', async () => {
    const { outcomes, ofType } = await runGroup(2, { ...small, seed: undefined, steps: 2 });
    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
    const [result] = ofType('result') as TilesOutput[];
    const decoded = await decodePng(result?.image.url ?? '');
    expect(decoded.pixels).toEqual(
      renderImage({ width: 48, height: 40, steps: 2, seed: result?.seed ?? -1 }),
    );
  });
});

describe('demo/tiles through the gateway and a group of rank processes', () => {
  it('streams previews and outputs the single-process render', async () => {
    const moduleUrl = pathToFileURL('examples/tiles.ts').href;
    const runtime = createRuntime([{ app: tilesApp, moduleUrl }]);
    await using gateway = await startGateway({ apps: [tilesApp], runtime });
    const events = await streamAll(`${gateway.url}/demo/tiles/stream`, small);
    const types = events.map((event) => event.event);
    // A reader that falls behind skips superseded progress and previews: count at least one.
    expect(types).toContain('preview');
    const progress = events.filter((event) => event.event === 'progress');
    expect(JSON.parse(progress.at(-1)?.data ?? 'null')).toEqual({ step: 6, total: 6, progress: 1 });
    const result = JSON.parse(events.at(-1)?.data ?? 'null') as TilesOutput;
    expect(types.at(-1)).toBe('result');
    expect(result.world_size).toBe(4);
    const decoded = await decodePng(result.image.url);
    expect(decoded.pixels).toEqual(renderImage({ width: 48, height: 40, steps: 6, seed: 7 }));
  }, 60_000);
});

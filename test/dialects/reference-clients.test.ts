import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { falSteps, plainSteps, sheafSteps } from './dialect-apps.js';
import { runFalPageClient, runSheafClient } from './reference-clients.js';

const apps = [plainSteps, falSteps, sheafSteps];
const twentySteps = Array.from({ length: 20 }, (_, index) => {
  const step = index + 1;
  return `Step ${step}: ${(step / 20) * 100}%`;
});

/** Progress a reader sees: in order, none invented, the last one always (superseded ones may be skipped). */
function expectProgressOf(seen: readonly string[], all: readonly string[]): void {
  const positions = seen.map((line) => all.indexOf(line));
  expect(positions.every((position, index) => position > (positions[index - 1] ?? -1))).toBe(true);
  expect(seen.at(-1)).toBe(all.at(-1));
  expect(seen.length).toBeGreaterThanOrEqual(all.length / 2);
}

describe('the fal page’s browser client, verbatim, in Node', () => {
  it('reads every progress event and the result from an endpoint whose default is data', async () => {
    await using gateway = await startGateway({ apps });
    const lines = await runFalPageClient(`${gateway.url}/demo/fal-steps/stream`);
    // The last frame is the result, which has no step: the page's client logs it all the same.
    expect(lines.at(-1)).toBe('Step undefined: NaN%');
    expectProgressOf(lines.slice(0, -1), twentySteps);
  });

  it('reads the data dialect asked for by query parameter on a sluice endpoint', async () => {
    await using gateway = await startGateway({ apps });
    const lines = await runFalPageClient(`${gateway.url}/demo/steps/stream?dialect=data`);
    expect(lines.at(-1)).toBe('Step undefined: NaN%');
    expectProgressOf(lines.slice(0, -1), twentySteps);
  });

  it('parses nothing from sluice frames, which is why the dialect exists', async () => {
    await using gateway = await startGateway({ apps });
    expect(await runFalPageClient(`${gateway.url}/demo/steps/stream`)).toEqual([]);
  });
});

describe('a sheaf-style Python client (standard library only)', () => {
  it('reads progress with total_steps and a result that is done', async () => {
    await using gateway = await startGateway({ apps });
    const seen = await runSheafClient(`${gateway.url}/demo/sheaf-steps/stream`, { steps: 3 });
    expect(seen).toMatchObject({ result: 'aGVsbG8=', error: null });
    expectProgressOf(seen.progress, ['step 1/3', 'step 2/3', 'step 3/3']);
  });

  it('reads a mid-stream failure as a final error event', async () => {
    await using gateway = await startGateway({ apps });
    const body = { steps: 4, fail_at: 3 };
    const seen = await runSheafClient(`${gateway.url}/demo/sheaf-steps/stream`, body);
    expect(seen).toMatchObject({ result: null, error: 'The app raised Error' });
    expectProgressOf(seen.progress, ['step 1/4', 'step 2/4']);
  });

  it('reads the typed dialect asked for by query parameter', async () => {
    await using gateway = await startGateway({ apps });
    const seen = await runSheafClient(`${gateway.url}/demo/steps/stream?dialect=typed`, {
      steps: 2,
    });
    expectProgressOf(seen.progress, ['step 1/2', 'step 2/2']);
    expect(seen.result).toBe('aGVsbG8=');
  });
});

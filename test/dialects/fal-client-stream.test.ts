import { createFalClient } from '@fal-ai/client';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { toSluice } from '../support/fal-hosts.js';
import { falSteps, plainSteps, sheafSteps } from './dialect-apps.js';

const apps = [plainSteps, falSteps, sheafSteps];
const result = { image_b64: 'aGVsbG8=', seed: 7 };

function progressOf(step: number) {
  return { step, total: 3, progress: step / 3, message: `Processing step ${step}/3` };
}

/** `fal.stream` of `@fal-ai/client`, unmodified but for its hosts: what it saw, and `done()`. */
async function falStream(url: string, endpoint: string, accept?: string) {
  const fal = createFalClient({ credentials: 'none', requestMiddleware: toSluice(url) });
  const stream = await fal.stream(endpoint, { input: { steps: 3, delay_ms: 0 }, accept });
  const seen: unknown[] = [];
  for await (const event of stream) seen.push(event);
  const done: unknown = await stream.done();
  return { seen, done };
}

describe('@fal-ai/client’s fal.stream on every dialect it meets', () => {
  it.each([
    ['an endpoint whose default is data', 'demo/fal-steps', undefined],
    ['the default dialect (sluice)', 'demo/steps', undefined],
    ['data asked for in Accept', 'demo/steps', 'text/event-stream; dialect=data'],
  ])('reads progress and the result from %s', async (_name, endpoint, accept) => {
    await using gateway = await startGateway({ apps });
    const { seen, done } = await falStream(gateway.url, endpoint, accept);
    expect(done).toEqual(result);
    expect(seen.at(-1)).toEqual(result);
    // Superseded progress may be skipped by a slow reader; the last one never is.
    const progress = seen.slice(0, -1);
    expect(progress.at(-1)).toEqual(progressOf(3));
    for (const event of progress) expect([1, 2, 3].map(progressOf)).toContainEqual(event);
  });

  it('reads typed frames, asked for in Accept, with their type', async () => {
    await using gateway = await startGateway({ apps });
    const accept = 'text/event-stream; dialect=typed';
    const { done } = await falStream(gateway.url, 'demo/steps', accept);
    expect(done).toEqual({ type: 'result', done: true, ...result });
  });
});

import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { InlineRuntime } from '../../src/runtime/inline-runtime.js';
import type { RuntimeJob } from '../../src/runtime/runtime.js';
import type { App } from '../../src/app/define-app.js';
import { collectingSink, parseEvents, sleep, soleTerminal } from './run-harness.js';
import { RunControl } from '../../src/runtime/run-control.js';

function jobFor(app: App, requestId: string) {
  const { sink, events } = collectingSink();
  const job: RuntimeJob = {
    app,
    endpoint: app.endpoints.get('')!,
    input: {},
    requestId,
    control: new RunControl(requestId),
    sink,
  };
  return { job, events };
}

function modelApp(setup: () => Promise<{ model: string }>) {
  return defineApp({
    id: 'demo/model',
    input: z.object({}),
    setup,
    run: (_input, ctx) => ctx.state.model,
  });
}

describe('InlineRuntime', () => {
  it('runs setup once for many runs and hands its value to each', async () => {
    const setup = vi.fn(async () => {
      await sleep(5);
      return { model: 'loaded' };
    });
    const app = modelApp(setup);
    const runtime = new InlineRuntime([app]);
    const jobs = Array.from({ length: 5 }, (_, index) => jobFor(app, `r${index}`));
    const outcomes = await Promise.all(jobs.map(({ job }) => runtime.execute(job)));
    await runtime.execute(jobFor(app, 'later').job);
    expect(setup).toHaveBeenCalledTimes(1);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    for (const { events } of jobs) expect(soleTerminal(parseEvents(events)).data).toBe('loaded');
  });

  it('reports starting, then ready', async () => {
    let finishSetup!: () => void;
    const app = modelApp(async () => {
      await new Promise<void>((resolve) => (finishSetup = resolve));
      return { model: 'm' };
    });
    const runtime = new InlineRuntime([app]);
    expect(runtime.status(app.id)).toEqual({ state: 'starting' });
    const started = runtime.start();
    await sleep(1);
    expect(runtime.status(app.id)).toEqual({ state: 'starting' });
    finishSetup();
    await started;
    expect(runtime.status(app.id)).toEqual({ state: 'ready' });
    expect(runtime.start()).toBe(started);
  });

  it('is ready at once for an app without setup', async () => {
    const app = defineApp({ id: 'demo/plain', input: z.object({}), run: () => 'ok' });
    const runtime = new InlineRuntime([app]);
    await runtime.start();
    expect(runtime.status(app.id)).toEqual({ state: 'ready' });
  });

  it('reports a failed setup and refuses its runs with app_unavailable', async () => {
    const app = modelApp(() => Promise.reject(new Error('no GPU found')));
    const other = defineApp({ id: 'demo/other', input: z.object({}), run: () => 'fine' });
    const runtime = new InlineRuntime([app, other]);
    await runtime.start();
    expect(runtime.status(app.id)).toEqual({
      state: 'failed',
      reason: 'setup failed',
      error: 'no GPU found',
    });
    expect(runtime.status(other.id)).toEqual({ state: 'ready' });
    const { job, events } = jobFor(app, 'r1');
    const refusal = await runtime.execute(job).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SluiceError);
    expect(refusal).toMatchObject({ code: 'app_unavailable', retryable: true, status: 503 });
    expect(events).toEqual([]);
    expect((await runtime.execute(jobFor(other, 'r2').job)).ok).toBe(true);
  });

  it('reports a setup that throws synchronously, or throws a non-Error', async () => {
    const throwing = defineApp({
      id: 'demo/sync-throw',
      input: z.object({}),
      setup: () => {
        throw new Error('bad weights');
      },
      run: () => null,
    });
    const stringly = defineApp({
      id: 'demo/string-throw',
      input: z.object({}),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what careless apps do
      setup: () => Promise.reject('out of memory'),
      run: () => null,
    });
    const runtime = new InlineRuntime([throwing, stringly]);
    await runtime.start();
    expect(runtime.status(throwing.id)).toEqual({
      state: 'failed',
      reason: 'setup failed',
      error: 'bad weights',
    });
    expect(runtime.status(stringly.id)).toEqual({
      state: 'failed',
      reason: 'setup failed',
      error: 'out of memory',
    });
  });

  it('starts by itself when a run arrives first', async () => {
    const setup = vi.fn(() => Promise.resolve({ model: 'lazy' }));
    const app = modelApp(setup);
    const runtime = new InlineRuntime([app]);
    const { job, events } = jobFor(app, 'r1');
    await runtime.execute(job);
    expect(setup).toHaveBeenCalledTimes(1);
    expect(soleTerminal(parseEvents(events)).data).toBe('lazy');
    expect(runtime.status(app.id)).toEqual({ state: 'ready' });
  });
});

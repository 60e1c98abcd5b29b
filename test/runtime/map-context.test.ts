import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import type { ChildRuns } from '../../src/runtime/child-runs.js';
import { executeRun } from '../../src/runtime/execute-run.js';
import { RunControl } from '../../src/runtime/run-control.js';
import { fakeChildRuns, turns } from './map-fake-child-runs.js';
import { collectingSink, parseEvents, typesOf } from './run-harness.js';

/** Emits each child's output as it arrives, and returns how many there were. */
const fanOutApp = defineApp({
  id: 'test/fan-out',
  input: z.object({ words: z.array(z.string()) }),
  endpoints: {
    '/pairs': {
      input: z.object({ pairs: z.array(z.tuple([z.string(), z.number()])) }),
      async run({ pairs }, ctx) {
        const outputs = ctx.starmap('test/repeat', pairs, {
          toInput: (text: string, times: number) => ({ text, times }),
        });
        const all: unknown[] = [];
        for await (const output of outputs) all.push(output);
        return { all };
      },
    },
  },
  async run({ words }, ctx) {
    let count = 0;
    for await (const output of ctx.map('test/upper', words, { order: 'completion' })) {
      ctx.emit(output);
      count += 1;
    }
    return { count };
  },
});

function start(childRuns: ChildRuns, input: unknown, endpoint = '') {
  const collected = collectingSink();
  const control = new RunControl('parent');
  const outcome = executeRun({
    app: fanOutApp,
    endpoint: fanOutApp.endpoints.get(endpoint)!,
    input,
    state: undefined,
    requestId: 'parent',
    control,
    sink: collected.sink,
    childRuns,
  });
  return { outcome, control, events: () => parseEvents(collected.events) };
}

describe('ctx.map inside a run', () => {
  it('lets a streaming endpoint emit each child’s output as it arrives', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = start(childRuns, { words: ['a', 'b', 'c'] });
    await turns();
    expect(children.map((child) => child.target)).toEqual(
      Array(3).fill({ appId: 'test/upper', path: '' }),
    );
    children[2]?.resolve('C');
    await turns(20);
    expect(run.events()).toEqual([{ type: 'output', data: 'C' }]);
    children[0]?.resolve('A');
    children[1]?.resolve('B');
    expect(await run.outcome).toEqual({ ok: true });
    expect(run.events()).toEqual([
      { type: 'output', data: 'C' },
      { type: 'output', data: 'A' },
      { type: 'output', data: 'B' },
      { type: 'result', data: { count: 3 } },
    ]);
  });

  it('cancels the children when the parent is cancelled', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = start(childRuns, { words: ['a', 'b'] });
    await turns();
    run.control.abort(new SluiceError('cancelled', 'The request was cancelled'));
    expect(await run.outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(children.map((child) => child.signal.aborted)).toEqual([true, true]);
    expect(typesOf(run.events())).toEqual(['error']);
  });

  it('fails the parent with the first child’s error', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = start(childRuns, { words: ['a', 'b'] });
    await turns();
    children[0]?.reject(new SluiceError('invalid_input', 'Bad child input'));
    expect(await run.outcome).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(children[1]?.signal.aborted).toBe(true);
  });

  it('starmap builds each input from its argument tuple, in input order', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = start(
      childRuns,
      {
        pairs: [
          ['x', 2],
          ['y', 3],
        ],
      },
      '/pairs',
    );
    await turns();
    expect(children.map((child) => child.input)).toEqual([
      { text: 'x', times: 2 },
      { text: 'y', times: 3 },
    ]);
    children[1]?.resolve('yyy');
    children[0]?.resolve('xx');
    expect(await run.outcome).toEqual({ ok: true });
    expect(run.events().at(-1)).toEqual({ type: 'result', data: { all: ['xx', 'yyy'] } });
  });

  it('fails with app_error when starmap has no toInput or an input is not an argument list', async () => {
    const { childRuns } = fakeChildRuns();
    const misuses = defineApp({
      id: 'test/starmap-misuse',
      input: z.object({ missing: z.boolean() }),
      async run({ missing }, ctx) {
        const options = missing ? {} : { toInput: (value: unknown) => value };
        const lists = missing ? [[1]] : ['not a list'];
        const outputs = ctx.starmap('test/echo', lists as unknown as [number][], options as never);
        for await (const output of outputs) void output;
        return null;
      },
    });
    for (const [missing, message] of [
      [true, 'ctx.starmap needs options.toInput, a function'],
      [false, 'ctx.starmap needs each input as an array of arguments'],
    ] as const) {
      const collected = collectingSink();
      const outcome = await executeRun({
        app: misuses,
        endpoint: misuses.endpoints.get('')!,
        input: { missing },
        state: undefined,
        requestId: 'misuse',
        control: new RunControl('misuse'),
        sink: collected.sink,
        childRuns,
      });
      expect(outcome).toMatchObject({ ok: false, error: { code: 'app_error', message } });
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { MapOptions, MapTarget } from '../../src/app/app-types.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import type { ChildRuns } from '../../src/runtime/child-runs.js';
import { parseMapTarget } from '../../src/runtime/map-arguments.js';
import { mapRuns } from '../../src/runtime/map-runs.js';
import { answeringChildRuns, fakeChildRuns, turns } from './map-fake-child-runs.js';

interface MapCall {
  readonly childRuns?: ChildRuns;
  readonly inputs: Iterable<unknown> | AsyncIterable<unknown>;
  readonly options?: MapOptions;
  readonly signal?: AbortSignal;
  readonly target?: MapTarget;
}

const map = (call: MapCall) =>
  mapRuns<unknown>({
    childRuns: call.childRuns,
    signal: call.signal ?? new AbortController().signal,
    target: call.target ?? 'demo/echo',
    inputs: call.inputs,
    options: call.options ?? {},
  });

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const outputs: unknown[] = [];
  for await (const output of iterable) outputs.push(output);
  return outputs;
}

/** Starts collecting in the background; `outputs` fills as the iteration yields. */
function collecting(iterable: AsyncIterable<unknown>) {
  const outputs: unknown[] = [];
  const done = (async () => {
    for await (const output of iterable) outputs.push(output);
  })();
  done.catch(() => undefined);
  return { outputs, done };
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('mapRuns', () => {
  it('yields outputs in input order by default, however the children finish', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = collecting(map({ childRuns, inputs: ['a', 'b', 'c'] }));
    await turns();
    expect(children.map((child) => child.input)).toEqual(['a', 'b', 'c']);
    for (const child of [...children].reverse()) child.resolve(`${String(child.input)}!`);
    await run.done;
    expect(run.outputs).toEqual(['a!', 'b!', 'c!']);
  });

  it('yields each output as soon as its turn comes', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = collecting(map({ childRuns, inputs: [0, 1, 2] }));
    await turns();
    children[1]?.resolve(1);
    await turns();
    expect(run.outputs).toEqual([]);
    children[0]?.resolve(0);
    await turns();
    expect(run.outputs).toEqual([0, 1]);
    children[2]?.resolve(2);
    await run.done;
  });

  it("yields in completion order with order: 'completion'", async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = collecting(map({ childRuns, inputs: [0, 1, 2], options: { order: 'completion' } }));
    await turns();
    for (const index of [2, 0, 1]) {
      children[index]?.resolve(index);
      await turns();
    }
    await run.done;
    expect(run.outputs).toEqual([2, 0, 1]);
  });

  it('runs at most `concurrency` children and pulls a lazy input only when a slot frees', async () => {
    const { childRuns, children } = fakeChildRuns();
    let pulled = 0;
    async function* inputs() {
      for (let index = 0; index < 5; index++) {
        pulled += 1;
        yield index;
        await Promise.resolve();
      }
    }
    const run = collecting(map({ childRuns, inputs: inputs(), options: { concurrency: 2 } }));
    await turns();
    expect([children.length, pulled]).toEqual([2, 2]);
    children[0]?.resolve('zero');
    await turns();
    expect([children.length, pulled]).toEqual([3, 3]);
    for (const child of children.slice(1)) child.resolve('later');
    await turns();
    for (const child of children.slice(3)) child.resolve('last');
    await run.done;
    expect(run.outputs).toHaveLength(5);
    expect(pulled).toBe(5);
  });

  it('runs 16 children at once by default', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = collecting(map({ childRuns, inputs: range(40) }));
    await turns();
    expect(children).toHaveLength(16);
    for (let round = 0; round < 5 && children.some((child) => !child.signal.aborted); round++) {
      for (const child of children) child.resolve(child.input);
      await turns();
    }
    await run.done;
    expect(run.outputs).toEqual(range(40));
  });

  it('sends each child to the parsed target with the map’s signal', async () => {
    const { childRuns, children } = fakeChildRuns();
    const run = collecting(map({ childRuns, inputs: [1], target: 'demo/images/up/scale' }));
    await turns();
    expect(children[0]?.target).toEqual({ appId: 'demo/images', path: '/up/scale' });
    children[0]?.resolve(null);
    await run.done;
  });

  it('with returnExceptions, yields a failed input’s SluiceError in its slot', async () => {
    const childRuns = answeringChildRuns((input) => {
      if (input === 'bad') throw new SluiceError('invalid_input', 'Bad input');
      if (input === 'odd') throw new Error('not a SluiceError');
      return input;
    });
    const options = { returnExceptions: true };
    const outputs = await collect(
      map({ childRuns, inputs: ['ok', 'bad', 'odd', 'fine'], options }),
    );
    expect(outputs).toHaveLength(4);
    expect(outputs[0]).toBe('ok');
    expect(outputs[1]).toBeInstanceOf(SluiceError);
    expect(outputs[1]).toMatchObject({ code: 'invalid_input', message: 'Bad input' });
    expect(outputs[2]).toMatchObject({ code: 'internal' });
    expect(outputs[3]).toBe('fine');
  });

  it('without returnExceptions, the first failure aborts the other children and is thrown', async () => {
    const { childRuns, children } = fakeChildRuns();
    const failure = new SluiceError('app_error', 'The child failed');
    const run = collecting(map({ childRuns, inputs: range(10), options: { concurrency: 3 } }));
    await turns();
    children[1]?.reject(failure);
    await expect(run.done).rejects.toBe(failure);
    await turns();
    expect(children).toHaveLength(3);
    expect(children.map((child) => child.signal.aborted)).toEqual([true, true, true]);
    expect(children[0]?.signal.reason).toMatchObject({ code: 'cancelled' });
  });

  it('cancelling the parent cancels every child and ends the iteration with the reason', async () => {
    const { childRuns, children } = fakeChildRuns();
    const parent = new AbortController();
    const run = collecting(map({ childRuns, inputs: range(3), signal: parent.signal }));
    await turns();
    const reason = new SluiceError('cancelled', 'The request was cancelled');
    parent.abort(reason);
    await expect(run.done).rejects.toBe(reason);
    expect(children.map((child): unknown => child.signal.reason)).toEqual([reason, reason, reason]);
  });

  it('leaving the loop early cancels the children still running and pulls no more', async () => {
    const { childRuns, children } = fakeChildRuns();
    let pulled = 0;
    function* inputs() {
      for (let index = 0; index < 100; index++) {
        pulled += 1;
        yield index;
      }
    }
    const run = (async () => {
      for await (const output of map({
        childRuns,
        inputs: inputs(),
        options: { concurrency: 4 },
      })) {
        return output;
      }
      return undefined;
    })();
    await turns();
    children[0]?.resolve('first');
    expect(await run).toBe('first');
    await turns();
    expect(children.length).toBeGreaterThanOrEqual(4);
    expect(children.slice(1).every((child) => child.signal.aborted)).toBe(true);
    expect(children[0]?.signal.aborted).toBe(true);
    expect(pulled).toBe(children.length);
    expect(pulled).toBeLessThanOrEqual(5);
  });

  it('ends at once with no inputs, and fails when the inputs throw', async () => {
    const childRuns = answeringChildRuns((input) => input);
    expect(await collect(map({ childRuns, inputs: [] }))).toEqual([]);
    function* broken(): Generator<number> {
      yield 1;
      throw new Error('the input source broke');
    }
    await expect(collect(map({ childRuns, inputs: broken() }))).rejects.toMatchObject({
      code: 'app_error',
      message: 'The inputs given to ctx.map threw',
    });
  });

  it('passes promises among sync inputs through as they are', async () => {
    const { childRuns, children } = fakeChildRuns();
    const pending = new Promise(() => undefined);
    const run = collecting(map({ childRuns, inputs: [pending] }));
    await turns();
    expect(children[0]?.input).toBe(pending);
    children[0]?.resolve('done');
    await run.done;
  });

  it('rejects bad options, targets and a missing runtime with precise errors', async () => {
    const childRuns = answeringChildRuns((input) => input);
    await expect(
      collect(map({ childRuns, inputs: [1], options: { concurrency: 0 } })),
    ).rejects.toMatchObject({
      code: 'app_error',
      message: 'ctx.map needs a concurrency that is a positive integer',
    });
    await expect(
      collect(map({ childRuns, inputs: [1], options: { order: 'random' as 'input' } })),
    ).rejects.toMatchObject({ code: 'app_error' });
    await expect(
      collect(map({ childRuns, inputs: [1], target: 'no owner' })),
    ).rejects.toMatchObject({
      code: 'app_error',
    });
    await expect(collect(map({ inputs: [1] }))).rejects.toMatchObject({ code: 'app_error' });
  });
});

describe('parseMapTarget', () => {
  it.each([
    ['demo/echo', { appId: 'demo/echo', path: '' }],
    ['demo/echo/', { appId: 'demo/echo', path: '' }],
    ['demo/images/upscale', { appId: 'demo/images', path: '/upscale' }],
    ['demo/images/a/b', { appId: 'demo/images', path: '/a/b' }],
    [{ app: 'demo/images' }, { appId: 'demo/images', path: '' }],
    ['flux', { appId: 'flux', path: '' }],
    [
      { app: 'flux', path: '/img2img' },
      { appId: 'flux', path: '/img2img' },
    ],
    [
      { app: 'demo/images', path: 'upscale' },
      { appId: 'demo/images', path: '/upscale' },
    ],
    [
      { app: 'demo/images', path: '/upscale' },
      { appId: 'demo/images', path: '/upscale' },
    ],
  ] as const)('reads %j', (target, expected) => {
    expect(parseMapTarget(target)).toEqual(expected);
  });

  it.each(['', 'de mo', '/demo/echo', { app: 'de mo' }, { app: 'a/b/c' }, { app: 3 }])(
    'refuses %j',
    (target) => {
      expect(() => parseMapTarget(target as MapTarget)).toThrow(
        expect.objectContaining({ code: 'app_error' }) as Error,
      );
    },
  );
});

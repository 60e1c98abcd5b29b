import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import type { RunFunction } from '../../src/app/app-types.js';
import { RunControl } from '../../src/runtime/run-control.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { runApp, sleep, soleTerminal, terminalError } from '../runtime/run-harness.js';

function appOf(run: RunFunction<unknown, unknown, unknown>) {
  return defineApp({ id: 'demo/forms', input: z.object({}), run });
}

async function outputsAndResult(run: RunFunction<unknown, unknown, unknown>) {
  const { events } = await runApp(appOf(run));
  const outputs = events.filter((event) => event.type === 'output').map((event) => event.data);
  return { outputs, result: soleTerminal(events) };
}

describe('any iterator: every item is an output, the return value the result', () => {
  it('a sync generator (function*) yields outputs and returns the result', async () => {
    const { outputs, result } = await outputsAndResult(function* () {
      yield 'a';
      yield { token: 'b' };
      return { tokens: 2 };
    });
    expect(outputs).toEqual(['a', { token: 'b' }]);
    expect(result).toEqual({ type: 'result', data: { tokens: 2 } });
  });

  it('an async generator, and a promise of a generator', async () => {
    async function* tokens() {
      yield 1;
      await sleep(1);
      yield 2;
      return 'done';
    }
    for (const run of [tokens, () => Promise.resolve(tokens())]) {
      const { outputs, result } = await outputsAndResult(run);
      expect(outputs).toEqual([1, 2]);
      expect(result.data).toBe('done');
    }
  });

  it('any iterable or async iterable: a Set, an iterator, a Node Readable', async () => {
    const set = await outputsAndResult(() => new Set(['x', 'y']));
    expect(set).toEqual({ outputs: ['x', 'y'], result: { type: 'result', data: null } });
    const iterator = await outputsAndResult(() => ['p', 'q'].values());
    expect(iterator.outputs).toEqual(['p', 'q']);
    const readable = await outputsAndResult(() => Readable.from([{ n: 1 }, { n: 2 }]));
    expect(readable.outputs).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a web ReadableStream', async () => {
    const { outputs, result } = await outputsAndResult(
      () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue({ chunk: 1 });
            controller.enqueue({ chunk: 2 });
            controller.close();
          },
        }),
    );
    expect(outputs).toEqual([{ chunk: 1 }, { chunk: 2 }]);
    expect(result.data).toBeNull();
  });

  it('arrays and strings stay results', async () => {
    expect((await outputsAndResult(() => [1, 2])).result.data).toEqual([1, 2]);
    expect((await outputsAndResult(() => 'text')).outputs).toEqual([]);
  });

  it('a sync generator that throws fails the run with app_error', async () => {
    const { events } = await runApp(
      appOf(function* () {
        yield 1;
        throw new RangeError('bad step');
      }),
    );
    expect(terminalError(events).message).toBe('The app raised RangeError');
  });

  it('cancelling stops a generator: its finally runs and no more items are pulled', async () => {
    let pulled = 0;
    let closed = false;
    const control = new RunControl('r1');
    const app = appOf(async function* () {
      try {
        for (;;) {
          pulled++;
          yield pulled;
          await sleep(2);
        }
      } finally {
        closed = true;
      }
    });
    const running = runApp(app, { control });
    await sleep(20);
    control.abort(new SluiceError('cancelled', 'The client cancelled'));
    const { events } = await running;
    await sleep(20); // the generator finishes the step it was in, then stops at its yield
    const pulledAtEnd = pulled;
    await sleep(20);
    expect(terminalError(events).code).toBe('cancelled');
    expect(closed).toBe(true);
    expect(pulled).toBe(pulledAtEnd);
  });

  it('a ReadableStream is cancelled when the run is', async () => {
    let cancelled = false;
    const control = new RunControl('r1');
    const app = appOf(
      () =>
        new ReadableStream({
          pull: () => sleep(5),
          cancel: () => {
            cancelled = true;
          },
        }),
    );
    const running = runApp(app, { control });
    await sleep(20);
    control.abort(new SluiceError('cancelled', 'The client cancelled'));
    expect(terminalError((await running).events).code).toBe('cancelled');
    expect(cancelled).toBe(true);
  });
});

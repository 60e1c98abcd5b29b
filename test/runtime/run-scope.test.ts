import { executionAsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { runScope } from '../../src/runtime/run-scope.js';
import { runApp, sleep, terminalError } from './run-harness.js';

/** Where the app found itself: the scope's request id at each point it looked. */
function scopeProbe() {
  const seen: Record<string, string | undefined> = {};
  const app = defineApp({
    id: 'demo/scope',
    input: z.object({}),
    async run(_input, ctx) {
      seen.body = runScope.getStore()?.requestId;
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.timer = runScope.getStore()?.requestId;
          resolve();
        }, 1),
      );
      seen.afterAwait = runScope.getStore()?.requestId;
      return ctx.requestId;
    },
  });
  return { app, seen };
}

describe('runScope', () => {
  it('is the run whose code is executing, across timers and awaits', async () => {
    const first = scopeProbe();
    const second = scopeProbe();
    await Promise.all([
      runApp(first.app, { requestId: 'first' }),
      runApp(second.app, { requestId: 'second' }),
    ]);
    expect(first.seen).toEqual({ body: 'first', timer: 'first', afterAwait: 'first' });
    expect(second.seen).toEqual({ body: 'second', timer: 'second', afterAwait: 'second' });
    expect(runScope.getStore()).toBeUndefined();
  });

  it('is absent in a listener fired from outside every run', async () => {
    const emitter = new EventEmitter();
    let inListener: unknown = 'not called';
    const app = defineApp({
      id: 'demo/outside',
      input: z.object({}),
      run: () =>
        new Promise<void>((resolve) => {
          emitter.once('tick', () => {
            inListener = runScope.getStore();
            resolve();
          });
        }),
    });
    const running = runApp(app);
    await sleep(1);
    emitter.emit('tick');
    await running;
    expect(inListener).toBeUndefined();
  });

  it('fails the run it belongs to through fail()', async () => {
    const app = defineApp({
      id: 'demo/scope-fail',
      input: z.object({}),
      async run() {
        setTimeout(() => runScope.getStore()?.fail(new RangeError('stray')), 1);
        await sleep(50);
        return 'unreachable';
      },
    });
    const error = terminalError((await runApp(app)).events);
    expect(error).toMatchObject({ code: 'app_error', message: 'The app raised RangeError' });
  });

  it('stays with a timer its run left behind, after every run has ended', async () => {
    let seenLater: string | undefined;
    const app = defineApp({
      id: 'demo/left-behind',
      input: z.object({}),
      run() {
        setTimeout(() => (seenLater = runScope.getStore()?.requestId), 20);
        return 'done';
      },
    });
    await runApp(app, { requestId: 'left' });
    await sleep(60);
    expect(seenLater).toBe('left');
  });

  it('costs promises nothing while no run executes', async () => {
    /** Whether a promise's callback runs as that promise: true only while promise hooks are on. */
    const promisesTracked = async () => {
      let resource: unknown;
      const derived = Promise.resolve().then(() => {
        resource = executionAsyncResource();
      });
      await derived;
      return resource === derived;
    };
    let duringRun: boolean | undefined;
    const app = defineApp({
      id: 'demo/hook-on',
      input: z.object({}),
      async run() {
        duringRun = await promisesTracked();
        return 'done';
      },
    });
    expect(await promisesTracked()).toBe(false);
    await runApp(app);
    expect(duringRun).toBe(true);
    expect(await promisesTracked()).toBe(false);
  });
});

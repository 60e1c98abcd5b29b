import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { runApp, sleep, soleTerminal, terminalError, typesOf } from './run-harness.js';
import { RunControl } from '../../src/runtime/run-control.js';

const cancelled = () => new SluiceError('cancelled', 'The request was cancelled');

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** An app that ignores its signal: it waits 10 s, then emits and returns. */
function stubbornApp(timeoutSeconds?: number) {
  const started = deferred();
  const timers: NodeJS.Timeout[] = [];
  const seen: { signal?: AbortSignal } = {};
  const app = defineApp({
    id: 'demo/stubborn',
    input: z.object({}),
    timeoutSeconds,
    async run(_input, ctx) {
      seen.signal = ctx.signal;
      ctx.progress(0, 1);
      started.resolve();
      await new Promise((resolve) => timers.push(setTimeout(resolve, 10_000)));
      ctx.emit('too late');
      return 'too late';
    },
  });
  const release = () => timers.forEach(clearTimeout);
  return { app, started: started.promise, seen, release };
}

describe('cancellation', () => {
  it('ends a run that ignores its signal at once, with a cancelled error event', async () => {
    const { app, started, seen, release } = stubbornApp();
    const control = new RunControl('r1');
    const running = runApp(app, { control });
    await started;
    const abortedAt = performance.now();
    control.abort(cancelled());
    const { outcome, events } = await running;
    release();
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(typesOf(events)).toEqual(['progress', 'error']);
    expect(terminalError(events)).toEqual({
      code: 'cancelled',
      message: 'The request was cancelled',
      retryable: false,
      request_id: 'r1',
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(seen.signal!.aborted).toBe(true);
    expect(seen.signal!.reason).toBe(control.signal.reason);
  });

  it('drops what an ignoring app emits after the terminal event', async () => {
    const control = new RunControl('r1');
    const app = defineApp({
      id: 'demo/late',
      input: z.object({}),
      async run(_input, ctx) {
        setTimeout(() => control.abort(cancelled()), 1);
        await sleep(20);
        ctx.emit('late output');
        ctx.progress(1, 1);
        ctx.log('info', 'late log');
        return 'late result';
      },
    });
    const record = await runApp(app, { control });
    expect(terminalError(record.events).code).toBe('cancelled');
    await sleep(40);
    expect(record.eventsNow()).toEqual(record.events);
  });

  it('lets the app see its signal abort, through a listener', async () => {
    const control = new RunControl('r1');
    const app = defineApp({
      id: 'demo/polite',
      input: z.object({}),
      run: (_input, ctx) =>
        new Promise<string>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
          setTimeout(() => control.abort(cancelled()), 1);
        }),
    });
    const { events } = await runApp(app, { control });
    expect(terminalError(events).code).toBe('cancelled');
  });

  it('stops an async generator between yields', async () => {
    const control = new RunControl('r1');
    let yields = 0;
    const app = defineApp({
      id: 'demo/endless',
      input: z.object({}),
      async *run() {
        for (;;) {
          yields++;
          if (yields === 3) control.abort(cancelled());
          yield yields;
          await sleep(1);
        }
      },
    });
    const { events } = await runApp(app, { control });
    expect(terminalError(events).code).toBe('cancelled');
    await sleep(10);
    expect(yields).toBe(3);
  });

  it('does not start the app when the job was cancelled before it began', async () => {
    const control = new RunControl('r1');
    control.abort(cancelled());
    let calls = 0;
    const app = defineApp({
      id: 'demo/never',
      input: z.object({}),
      run: () => {
        calls++;
        return 'ran';
      },
    });
    const { events } = await runApp(app, { control });
    expect(terminalError(events).code).toBe('cancelled');
    expect(calls).toBe(0);
  });

  it('fails a run still pending a preview when it is cancelled, with one terminal event', async () => {
    const control = new RunControl('r1');
    const pixels = new Uint8Array(1024 * 1024 * 3).fill(128);
    const app = defineApp({
      id: 'demo/cancel-preview',
      input: z.object({}),
      async run(_input, ctx) {
        void ctx.preview({ data: pixels, width: 1024, height: 1024, channels: 3 });
        control.abort(cancelled());
        await sleep(50);
      },
    });
    const record = await runApp(app, { control });
    await sleep(50);
    expect(terminalError(record.eventsNow()).code).toBe('cancelled');
  });
});

describe('timeouts', () => {
  it('ends a run past timeoutSeconds with a retryable timeout error', async () => {
    const { app, seen, release } = stubbornApp(0.1);
    const startedAt = performance.now();
    const { events } = await runApp(app);
    release();
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(1000);
    expect(terminalError(events)).toMatchObject({ code: 'timeout', retryable: true });
    expect(seen.signal!.reason).toMatchObject({ code: 'timeout' });
  });

  it('leaves a run that finishes in time alone', async () => {
    const app = defineApp({
      id: 'demo/quick',
      input: z.object({}),
      timeoutSeconds: 0.2,
      async run() {
        await sleep(5);
        return 'in time';
      },
    });
    const { events } = await runApp(app);
    expect(soleTerminal(events).data).toBe('in time');
  });
});

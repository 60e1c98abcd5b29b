import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import { RUN_FINISHED, RunControl } from '../../src/runtime/run-control.js';
import { runScope } from '../../src/runtime/run-scope.js';
import { runApp } from './run-harness.js';

const cancelled = () => new SluiceError('cancelled', 'The request was cancelled');

describe('RunControl', () => {
  it('hands out a signal already aborted, with the reason, when it is first read after the abort', () => {
    const control = new RunControl('r1');
    const reason = cancelled();
    control.abort(reason);
    expect(control.aborted).toBe(true);
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toBe(reason);
    expect(control.signal).toBe(control.signal);
  });

  it('aborts a signal read before the abort, once, with the first reason', () => {
    const control = new RunControl('r1');
    const { signal } = control;
    const reasons: unknown[] = [];
    signal.addEventListener('abort', () => reasons.push(signal.reason));
    const first = cancelled();
    control.abort(first);
    control.abort(RUN_FINISHED);
    expect(reasons).toEqual([first]);
    expect(control.reason).toBe(first);
  });

  it('calls onAbort listeners before the signal’s, inside the run’s scope, and not once they stop', () => {
    const control = new RunControl('r1');
    const calls: string[] = [];
    control.onAbort(() => calls.push(`listener in ${runScope.getStore()?.requestId}`));
    const stop = control.onAbort(() => calls.push('stopped listener'));
    control.signal.addEventListener('abort', () => calls.push('signal'));
    stop();
    control.abort(cancelled());
    expect(calls).toEqual(['listener in r1', 'signal']);
  });

  it('calls an onAbort listener added after the abort at once', () => {
    const control = new RunControl('r1');
    const reason = cancelled();
    control.abort(reason);
    const seen: unknown[] = [];
    control.onAbort((why) => seen.push(why));
    expect(seen).toEqual([reason]);
  });

  it('gives an app that reads ctx.signal only once it has ended a signal aborted as finished', async () => {
    let kept: { signal: AbortSignal } | undefined;
    const app = defineApp({
      id: 'demo/late-signal',
      input: z.object({}),
      run: (_input, ctx) => {
        kept = ctx;
        return 'done';
      },
    });
    await runApp(app);
    expect(kept?.signal.aborted).toBe(true);
    expect(kept?.signal.reason).toBe(RUN_FINISHED);
  });
});

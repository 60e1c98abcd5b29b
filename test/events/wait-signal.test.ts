import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LightAbortSignal } from '../../src/events/wait-signal.js';

describe('LightAbortSignal', () => {
  it('calls each abort listener once, functions and handleEvent objects, in the order added', () => {
    const signal = new LightAbortSignal();
    const calls: string[] = [];
    signal.addEventListener('abort', () => calls.push('function'));
    signal.addEventListener('abort', {
      handleEvent: (event) => calls.push(`object ${event.type}`),
    });
    expect(signal.aborted).toBe(false);
    signal.abort();
    signal.abort();
    expect(signal.aborted).toBe(true);
    expect(calls).toEqual(['function', 'object abort']);
  });

  it('does not call a listener removed, added twice more than once, or added after the abort', () => {
    const signal = new LightAbortSignal();
    const calls: string[] = [];
    const twice = () => calls.push('twice');
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', twice);
    signal.addEventListener('abort', twice);
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.addEventListener('close', () => calls.push('another type'));
    signal.abort();
    signal.addEventListener('abort', () => calls.push('too late'));
    signal.abort();
    expect(calls).toEqual(['twice']);
  });

  it('skips a listener that an earlier one removed during the abort, as an EventTarget does', () => {
    const signal = new LightAbortSignal();
    const calls: string[] = [];
    const second = () => calls.push('second');
    signal.addEventListener('abort', () => {
      calls.push('first');
      signal.removeEventListener('abort', second);
      signal.addEventListener('abort', () => calls.push('added during the abort'));
    });
    signal.addEventListener('abort', second);
    signal.abort();
    expect(calls).toEqual(['first']);
    const target = new AbortController(); // the same sequence on a real signal
    const real: string[] = [];
    const realSecond = () => real.push('second');
    target.signal.addEventListener('abort', () => {
      real.push('first');
      target.signal.removeEventListener('abort', realSecond);
      target.signal.addEventListener('abort', () => real.push('added during the abort'));
    });
    target.signal.addEventListener('abort', realSecond);
    target.abort();
    expect(real).toEqual(calls);
  });

  it('calls the other listeners when one throws, and throws its error on the next tick', () => {
    // In a Node of its own: the error surfaces as the process's uncaught exception.
    const script = `
      const { LightAbortSignal } = await import('./src/events/wait-signal.ts');
      const calls = [];
      process.on('uncaughtException', (error) => {
        calls.push('uncaught ' + error.message);
        console.log(JSON.stringify(calls));
      });
      const signal = new LightAbortSignal();
      signal.addEventListener('abort', () => { throw new Error('boom'); });
      signal.addEventListener('abort', () => calls.push('second'));
      signal.abort();
      calls.push('after abort');`;
    const flags = ['--import', 'tsx', '--input-type=module', '-e', script];
    const output = execFileSync(process.execPath, flags, { encoding: 'utf8' }).trim();
    expect(JSON.parse(output)).toEqual(['second', 'after abort', 'uncaught boom']);
  });

  it('shares one hidden class across instances, unlike an AbortSignal in this Node', () => {
    const script = `
      const { LightAbortSignal } = await import('./src/events/wait-signal.ts');
      const [first, second] = [new LightAbortSignal(), new LightAbortSignal()];
      first.addEventListener('abort', () => {});
      console.log(JSON.stringify(%HaveSameMap(first, second)));`;
    const flags = ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e'];
    const output = execFileSync(process.execPath, [...flags, script], { encoding: 'utf8' });
    expect(JSON.parse(output.trim())).toBe(true);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { yieldToEventLoop } from './time-slicer.js';

/**
 * Paces a loop at `perSecond` iterations a second, measured from the first call, to emulate
 * a model's decode speed; 0 means as fast as possible (still yielding to the event loop).
 * Each call resolves when the next iteration is due, and rejects once `signal` aborts.
 *
 * @example
 * const pace = createPacer(30, ctx.signal);
 * for (const token of tokens) {
 *   await pace();
 *   ctx.emit({ token });
 * }
 */
export function createPacer(perSecond: number, signal: AbortSignal): () => Promise<void> {
  let start: number | undefined;
  let count = 0;
  return async () => {
    start ??= performance.now();
    count++;
    const wait = perSecond > 0 ? start + (count * 1000) / perSecond - performance.now() : 0;
    if (wait > 0) await sleep(wait, undefined, { signal });
    else await yieldToEventLoop();
    signal.throwIfAborted();
  };
}

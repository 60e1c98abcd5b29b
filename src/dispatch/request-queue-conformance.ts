import type { ConformanceHarness } from '../events/conformance/conformance-harness.js';
import type { QueueEntry, RequestQueue } from './request-queue.js';

/**
 * Builds a fresh, empty queue of the backend under test; released by `await using`.
 *
 * @example
 * const create: QueueFactory = () =>
 *   Promise.resolve(Object.assign(new MemoryRequestQueue(), { [Symbol.asyncDispose]: async () => {} }));
 */
export type QueueFactory = () => Promise<RequestQueue & AsyncDisposable>;

let counter = 0;

function entry(appId: string, priority = 0): QueueEntry {
  counter++;
  return { requestId: `request-${counter}`, appId, endpoint: '', priority, enqueuedAt: counter };
}

async function takeAll(queue: RequestQueue): Promise<string[]> {
  const taken: string[] = [];
  for (let index = 0; index < 1_000; index++) {
    const next = await queue.take(() => true);
    if (!next) return taken;
    taken.push(next.requestId);
  }
  throw new Error('the queue never emptied');
}

/**
 * Registers the conformance suite of the `RequestQueue` port: every backend runs it, with
 * the test runner passed in as `harness` and a factory of fresh, empty queues.
 *
 * @example
 * import { describe, expect, it } from 'vitest';
 * import { describeRequestQueueConformance } from 'sluice/protocol';
 *
 * describeRequestQueueConformance({ describe, it, expect }, 'my queue', async () =>
 *   Object.assign(new MyQueue(), { [Symbol.asyncDispose]: async () => {} }),
 * );
 */
export function describeRequestQueueConformance(
  harness: ConformanceHarness,
  backend: string,
  create: QueueFactory,
): void {
  const { describe, it, expect } = harness;
  describe(`request queue conformance: ${backend}`, () => {
    it('takes higher priorities first, FIFO within a priority', async () => {
      await using queue = await create();
      const entries = [
        entry('a/b'),
        entry('a/b', -1),
        entry('a/b', 5),
        entry('a/b'),
        entry('a/b', 5),
      ];
      for (const queued of entries) await queue.enqueue(queued);
      const [normal1, low, high1, normal2, high2] = entries.map((queued) => queued.requestId);
      expect(await takeAll(queue)).toEqual([high1, high2, normal1, normal2, low]);
    });

    it('take skips entries the predicate refuses, keeping their order', async () => {
      await using queue = await create();
      const [first, second, third] = [entry('x/busy'), entry('x/free'), entry('x/busy')];
      for (const queued of [first, second, third]) await queue.enqueue(queued);
      expect((await queue.take((candidate) => candidate.appId === 'x/free'))?.requestId).toBe(
        second.requestId,
      );
      expect(await queue.take((candidate) => candidate.appId === 'x/free')).toBeUndefined();
      expect(await takeAll(queue)).toEqual([first.requestId, third.requestId]);
    });

    it('positions count the same app’s entries ahead', async () => {
      await using queue = await create();
      const [a1, b1, a2, a3] = [entry('p/a'), entry('p/b'), entry('p/a'), entry('p/a', 1)];
      for (const queued of [a1, b1, a2, a3]) await queue.enqueue(queued);
      expect(await queue.position(a3.requestId)).toBe(0);
      expect(await queue.position(a1.requestId)).toBe(1);
      expect(await queue.position(a2.requestId)).toBe(2);
      expect(await queue.position(b1.requestId)).toBe(0);
      expect(await queue.position('never-queued')).toBeUndefined();
      expect(await queue.depth()).toBe(4);
    });

    it('an entry is taken or removed once: never both, never twice', async () => {
      await using queue = await create();
      const [kept, removed] = [entry('o/a'), entry('o/a')];
      await queue.enqueue(kept);
      await queue.enqueue(removed);
      expect(await queue.remove(removed.requestId)).toBe(true);
      expect(await queue.remove(removed.requestId)).toBe(false);
      const takes = await Promise.all([queue.take(() => true), queue.take(() => true)]);
      expect(takes.filter(Boolean).map((taken) => taken!.requestId)).toEqual([kept.requestId]);
      expect(await queue.remove(kept.requestId)).toBe(false);
      expect(await queue.position(kept.requestId)).toBeUndefined();
    });

    it('refuses to enqueue a request id twice', async () => {
      await using queue = await create();
      const twice = entry('d/a');
      await queue.enqueue(twice);
      await expect(queue.enqueue(twice)).rejects.toThrow(TypeError);
      expect(await queue.depth()).toBe(1);
    });

    it('drain removes and returns every entry in order', async () => {
      await using queue = await create();
      const entries = [entry('s/a'), entry('s/b', 2), entry('s/a')];
      for (const queued of entries) await queue.enqueue(queued);
      const drained = await queue.drain();
      expect(drained.map((queued) => queued.requestId)).toEqual(
        [entries[1]!, entries[0]!, entries[2]!].map((queued) => queued.requestId),
      );
      expect(await queue.depth()).toBe(0);
      expect(await queue.take(() => true)).toBeUndefined();
    });
  });
}

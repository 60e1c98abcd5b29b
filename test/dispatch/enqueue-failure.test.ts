import { describe, expect, it } from 'vitest';
import { MemoryRequestQueue } from '../../src/dispatch/memory-request-queue.js';
import type { RequestQueue } from '../../src/dispatch/request-queue.js';
import { startGateway } from '../support/gateway.js';
import { countApp } from '../support/test-apps.js';

/** The memory queue, with a backend outage on its first `enqueue` (as Redis may have). */
function queueFailingOnce(): RequestQueue & { readonly failedIds: string[] } {
  const queue = new MemoryRequestQueue();
  const failedIds: string[] = [];
  return {
    enqueue: (entry) => {
      if (failedIds.length > 0) return queue.enqueue(entry);
      failedIds.push(entry.requestId);
      return Promise.reject(new Error('the queue backend is down'));
    },
    take: (eligible) => queue.take(eligible),
    remove: (requestId) => queue.remove(requestId),
    position: (requestId) => queue.position(requestId),
    depth: () => queue.depth(),
    drain: () => queue.drain(),
    failedIds,
  };
}

describe('a request the queue backend could not take', () => {
  it('answers 500 internal, leaves no live log or load behind, and the next request runs', async () => {
    const queue = queueFailingOnce();
    await using gateway = await startGateway({ apps: [countApp], queue, logger: false });
    const failed = await fetch(`${gateway.url}/test/count`, { method: 'POST' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: 'internal' });
    const [failedId] = queue.failedIds;
    const lookup = await gateway.eventLog.lookup(failedId!);
    expect(lookup.state).toBe('ended');
    expect(gateway.dispatcher.activeRuns).toBe(0);
    expect(gateway.dispatcher.queueDepth).toBe(0);
    const next = await fetch(`${gateway.url}/test/count`, { method: 'POST' });
    expect(await next.json()).toMatchObject({ count: 5 });
  });
});

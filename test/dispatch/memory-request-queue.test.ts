import { MemoryRequestQueue } from '../../src/dispatch/memory-request-queue.js';
import { describeRequestQueueConformance } from 'sluice/protocol';
import { describe, expect, it } from 'vitest';

describeRequestQueueConformance({ describe, it, expect }, 'memory', () =>
  Promise.resolve(
    Object.assign(new MemoryRequestQueue(), { [Symbol.asyncDispose]: () => Promise.resolve() }),
  ),
);

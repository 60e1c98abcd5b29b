import { MemoryRequestQueue } from '../../src/dispatch/memory-request-queue.js';
import { describeRequestQueue } from './request-queue-conformance.js';

describeRequestQueue('memory', () =>
  Promise.resolve(
    Object.assign(new MemoryRequestQueue(), { [Symbol.asyncDispose]: () => Promise.resolve() }),
  ),
);

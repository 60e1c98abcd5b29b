import { describe, expect, it } from 'vitest';
import { MemoryResponseCache } from '../../src/dispatch/memory-response-cache.js';
import type { ResponseCache } from '../../src/dispatch/response-cache.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { RedisResponseCache } from '../../src/redis/redis-response-cache.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

interface OpenedCache {
  readonly cache: ResponseCache;
  close(): Promise<void>;
}

async function openRedis(): Promise<OpenedCache> {
  const prefix = uniquePrefix();
  const hub = await RedisHub.connect({ url: redisUrl(), prefix });
  return {
    cache: new RedisResponseCache(hub),
    close: async () => {
      await hub.close();
      await deletePrefix(prefix);
    },
  };
}

const backends: [string, () => Promise<OpenedCache>][] = [
  ['memory', () => Promise.resolve({ cache: new MemoryResponseCache(), close: async () => {} })],
  ['Redis', openRedis],
];

const slot = { scope: 'test/cached', key: 'k', flightTtlMs: 60_000 };

describe.each(backends)('flight claims (%s)', (_name, open) => {
  it('one leads; the others learn it, and take it over only by naming it', async () => {
    const opened = await open();
    const { cache } = opened;
    try {
      expect(await cache.claim({ ...slot, requestId: 'a' })).toEqual({ leader: true });
      expect(await cache.claim({ ...slot, requestId: 'b' })).toEqual({
        leader: false,
        leaderRequestId: 'a',
      });
      expect(await cache.claim({ ...slot, requestId: 'b', replacing: 'x' })).toEqual({
        leader: false,
        leaderRequestId: 'a',
      });
      expect(await cache.claim({ ...slot, requestId: 'b', replacing: 'a' })).toEqual({
        leader: true,
      });
      // A second request that gave up on the same leader follows the one that took over.
      expect(await cache.claim({ ...slot, requestId: 'c', replacing: 'a' })).toEqual({
        leader: false,
        leaderRequestId: 'b',
      });
      await cache.release({ ...slot, requestId: 'a' }); // no longer its flight: a no-op
      await cache.release({ ...slot, requestId: 'b' });
      expect(await cache.claim({ ...slot, requestId: 'c' })).toEqual({ leader: true });
    } finally {
      await opened.close();
    }
  });
});

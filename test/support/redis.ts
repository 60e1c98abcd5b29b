import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/**
 * The suite's Redis URL (see `redis-global-setup.ts`).
 *
 * @example
 * const hub = await RedisHub.connect({ url: redisUrl(), prefix: uniquePrefix() });
 */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `sluice-test:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`; every Redis test calls it when it ends. */
export async function deletePrefix(prefix: string, url = redisUrl()): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await connection.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    connection.disconnect();
  }
}

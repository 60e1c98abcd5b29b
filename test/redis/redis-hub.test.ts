import { describe, expect, it } from 'vitest';
import { RedisHub, safeUrl } from '../../src/redis/redis-hub.js';
import { freePort } from '../support/redis-server.js';

describe('RedisHub', () => {
  it('gives up on an unreachable Redis after its connect timeout, naming the URL without its password', async () => {
    const port = await freePort(); // nothing listens there
    const url = `redis://user:secret@127.0.0.1:${port}`;
    const started = Date.now();
    await expect(RedisHub.connect({ url, connectTimeoutMs: 300 })).rejects.toThrow(
      `Could not reach Redis at redis://user:***@127.0.0.1:${port} within 300 ms`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('redacts passwords from URLs it prints, and never throws on an unreadable one', () => {
    expect(safeUrl('rediss://:hunter2@redis.internal:6380/1')).toBe(
      'rediss://:***@redis.internal:6380/1',
    );
    expect(safeUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(safeUrl('not a url')).toBe('(an unreadable Redis URL)');
  });
});

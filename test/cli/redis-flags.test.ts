import { describe, expect, it } from 'vitest';
import { redisOptionsOf } from '../../src/cli/redis-flags.js';

describe('Redis flags', () => {
  it('no --redis is memory mode', () => {
    expect(redisOptionsOf({})).toBeUndefined();
  });

  it('reads the URL, prefix and timings', () => {
    expect(
      redisOptionsOf({
        redis: 'redis://127.0.0.1:6379/2',
        prefix: 'prod:',
        'lock-ms': '3000',
        'stalled-check-ms': '1000',
      }),
    ).toEqual({
      url: 'redis://127.0.0.1:6379/2',
      prefix: 'prod:',
      lockMs: 3000,
      stalledCheckMs: 1000,
    });
    expect(redisOptionsOf({ redis: 'rediss://user:secret@redis.internal:6380' })?.url).toBe(
      'rediss://user:secret@redis.internal:6380',
    );
  });

  it('refuses what cannot be meant, naming the flag', () => {
    expect(() => redisOptionsOf({ redis: 'http://127.0.0.1:6379' })).toThrow(
      '--redis must be a redis:// or rediss:// URL',
    );
    expect(() => redisOptionsOf({ prefix: 'x:' })).toThrow('--prefix needs --redis');
    expect(() => redisOptionsOf({ 'lock-ms': '100' })).toThrow('--lock-ms needs --redis');
    expect(() => redisOptionsOf({ redis: 'redis://h', 'lock-ms': '0' })).toThrow(
      '--lock-ms must be',
    );
    expect(() => redisOptionsOf({ redis: 'redis://h', 'stalled-check-ms': 'soon' })).toThrow(
      '--stalled-check-ms must be',
    );
  });
});

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type MonitoredCommand, watchCommands } from '../support/redis-monitor.js';
import { startRedisServer } from '../support/redis-server.js';

const ofWatchedKey = ({ args }: MonitoredCommand) => args.includes('watched');

describe('the tests’ MONITOR watch', () => {
  it('reports each command with its arguments unescaped, and whether a script ran it', async () => {
    await using redis = await startRedisServer();
    await using watch = await watchCommands(redis.url);
    const client = new Redis(redis.url);
    const tricky = 'quote " backslash \\ newline \n tab \t bell \x07 byte \x01 end';
    try {
      await client.set('watched', tricky);
      await client.eval("return redis.call('get', KEYS[1])", 1, 'watched');
      await expect.poll(() => watch.commands.filter(ofWatchedKey).length).toBe(3);
    } finally {
      client.disconnect();
    }
    const [set, evaluation, get] = watch.commands.filter(ofWatchedKey);
    expect(set!.args).toEqual(['set', 'watched', tricky]);
    expect(set!.source).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(evaluation!.args[0]).toBe('eval');
    expect(get).toEqual({ args: ['get', 'watched'], source: 'lua' });
  });
});

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { newRecord, outputEvent, resultEvent } from '../events/conformance/conformance-fixtures.js';
import { startRedisServer } from '../support/redis-server.js';

describe('the Redis event log writes', () => {
  it('every event with XADD … MAXLEN (maxEvents + 1), under sluice’s own seq ids', async () => {
    await using redis = await startRedisServer();
    const watcher = new Redis(redis.url);
    const monitor = await watcher.monitor();
    const commands: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
    const hub = await RedisHub.connect({ url: redis.url, prefix: 'maxlen:' });
    const log = new RedisEventLog(hub, { maxEvents: 50 });
    try {
      const record = newRecord();
      await log.create(record);
      await log.append(record.requestId, [outputEvent('a'), outputEvent('b')]);
      await log.append(record.requestId, [resultEvent('done')]);
      await expect
        .poll(() => commands.filter((args) => args[0]?.toUpperCase() === 'XADD').length)
        .toBe(3);
      const adds = commands.filter((args) => args[0]?.toUpperCase() === 'XADD');
      for (const [index, args] of adds.entries()) {
        expect(args.slice(2, 5).map(String)).toEqual(['MAXLEN', '51', String(index + 1)]);
      }
    } finally {
      await log.close();
      await hub.close();
      monitor.disconnect();
      watcher.disconnect();
    }
  });
});

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import {
  newRecord,
  outputEvent,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { startRedisServer } from '../support/redis-server.js';

describe('the Redis event log writes', () => {
  it('every entry with XADD … MAXLEN (maxEvents + 1), under its last event’s seq id', async () => {
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
        .toBe(2);
      const adds = commands.filter((args) => args[0]?.toUpperCase() === 'XADD');
      // The two outputs share one entry under the seq of the second; the result has its own.
      expect(adds.map((args) => args.slice(2, 6).map(String))).toEqual([
        ['MAXLEN', '51', '2', 'pack'],
        ['MAXLEN', '51', '3', 'result'],
      ]);
    } finally {
      await log.close();
      await hub.close();
      monitor.disconnect();
      watcher.disconnect();
    }
  });
});

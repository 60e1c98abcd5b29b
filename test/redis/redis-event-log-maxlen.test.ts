import { describe, expect, it } from 'vitest';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import {
  newRecord,
  outputEvent,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { watchCommands } from '../support/redis-monitor.js';
import { startRedisServer } from '../support/redis-server.js';

describe('the Redis event log writes', () => {
  it('every entry with XADD … MAXLEN (maxEvents + 1), under its last event’s seq id', async () => {
    await using redis = await startRedisServer();
    const watch = await watchCommands(redis.url);
    const adds = () => watch.commands.filter(({ args }) => args[0]?.toUpperCase() === 'XADD');
    const hub = await RedisHub.connect({ url: redis.url, prefix: 'maxlen:' });
    const log = new RedisEventLog(hub, { maxEvents: 50 });
    try {
      const record = newRecord();
      await log.create(record);
      await log.append(record.requestId, [outputEvent('a'), outputEvent('b')]);
      await log.append(record.requestId, [resultEvent('done')]);
      await expect.poll(() => adds().length).toBe(2);
      // The two outputs share one entry under the seq of the second; the result has its own.
      expect(adds().map(({ args }) => args.slice(2, 6))).toEqual([
        ['MAXLEN', '51', '2', 'pack'],
        ['MAXLEN', '51', '3', 'result'],
      ]);
    } finally {
      await log.close();
      await hub.close();
      await watch.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import {
  createRequest,
  outputEvent,
  readAll,
  resultEvent,
} from '../../src/events/conformance/conformance-fixtures.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../support/redis.js';

describe('the Redis event log fences older attempts', () => {
  it('refuses an attempt once a newer one has written; appends without an epoch always pass', async () => {
    const prefix = uniquePrefix();
    const hub = await RedisHub.connect({ url: redisUrl(), prefix });
    const log = new RedisEventLog(hub);
    try {
      const requestId = await createRequest(log);
      expect(await log.append(requestId, [outputEvent('first 1')], { epoch: 1 })).toMatchObject({
        accepted: true,
      });
      expect(await log.append(requestId, [outputEvent('second 1')], { epoch: 2 })).toMatchObject({
        accepted: true,
      });
      expect(await log.append(requestId, [outputEvent('first 2')], { epoch: 1 })).toEqual({
        accepted: false,
        reason: 'ended',
      });
      expect(await log.append(requestId, [resultEvent('first done')], { epoch: 1 })).toEqual({
        accepted: false,
        reason: 'ended',
      });
      expect(await log.append(requestId, [outputEvent('second 2')], { epoch: 2 })).toMatchObject({
        accepted: true,
      });
      expect(await log.append(requestId, [outputEvent('from outside')])).toMatchObject({
        accepted: true,
      });
      expect(await log.append(requestId, [resultEvent('second done')], { epoch: 2 })).toMatchObject(
        { accepted: true },
      );
      const events = await readAll(log, requestId);
      expect(events.map((event) => JSON.parse(event.json) as unknown)).toEqual([
        'first 1',
        'second 1',
        'second 2',
        'from outside',
        'second done',
      ]);
    } finally {
      await log.close();
      await hub.close();
      await deletePrefix(prefix);
    }
  });
});

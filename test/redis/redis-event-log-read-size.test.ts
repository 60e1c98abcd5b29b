import { describe, expect, it } from 'vitest';
import {
  appendEach,
  createRequest,
  outputEvent,
  readAll,
} from '../../src/events/conformance/conformance-fixtures.js';
import type { RedisHub } from '../../src/redis/redis-hub.js';
import { startRedisServer } from '../support/redis-server.js';
import { openLogOn } from './private-log.js';

/** Bytes the server has sent to all its clients, from `INFO stats`. */
async function bytesSent(hub: RedisHub): Promise<number> {
  const stats = await hub.command.info('stats');
  return Number(/total_net_output_bytes:(\d+)/.exec(stats)![1]);
}

describe('RedisEventLog reads sized in bytes', () => {
  it('sends about the bytes it delivers when events are 100 KB', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    const events = Array.from({ length: 40 }, (_, index) =>
      outputEvent('x'.repeat(100_000) + index),
    );
    await appendEach(log, requestId, events);

    const before = await bytesSent(hub);
    const read = await readAll(log, requestId, { batchSize: 100 });
    const sent = (await bytesSent(hub)) - before;

    const delivered = read.reduce((total, event) => total + event.json.length, 0);
    expect(read).toHaveLength(40);
    expect(sent / delivered).toBeLessThan(1.2);
  });

  it('still asks for many entries at once when events are small', async () => {
    await using server = await startRedisServer();
    await using opened = await openLogOn(server.url);
    const { hub, log } = opened;
    const requestId = await createRequest(log);
    await appendEach(
      log,
      requestId,
      Array.from({ length: 300 }, (_, index) => outputEvent(index)),
    );

    const read = await readAll(log, requestId, { batchSize: 1_000 });
    const calls = await commandCalls(hub, 'xrange');
    expect(read).toHaveLength(300);
    expect(calls).toBeLessThanOrEqual(4);
  });
});

/** How often the server ran `command`, from `INFO commandstats`. */
async function commandCalls(hub: RedisHub, command: string): Promise<number> {
  const stats = await hub.command.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

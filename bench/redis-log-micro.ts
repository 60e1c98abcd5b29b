/**
 * The event log alone against a private redis-server: redis-server time per event of the
 * log's own commands (`INFO commandstats`), and this process's CPU per event, for appends
 * in batches of 1, 10 and 100 and reads of up to 100. 20 logs × 2,000 events of 100 B.
 *
 * Run: `npx tsx bench/redis-log-micro.ts [path of a redis-event-log module]`.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { EventLog } from '../src/events/event-log.js';
import { RedisHub } from '../src/redis/redis-hub.js';
import { startBenchRedis, type BenchRedis } from './redis-server.js';

const LOGS = 20;
const EVENTS = 2_000;
const PAYLOAD = JSON.stringify({ text: 'x'.repeat(88) });

type LogConstructor = new (hub: RedisHub) => EventLog;

async function redisMicros(redis: BenchRedis): Promise<number> {
  const stats = await redis.client.info('commandstats');
  let total = 0;
  for (const match of stats.matchAll(/usec=(\d+)/g)) total += Number(match[1]);
  const own = /cmdstat_info:calls=\d+,usec=(\d+)/.exec(stats);
  return total - Number(own?.[1] ?? 0);
}

async function measure(redis: BenchRedis, work: () => Promise<void>) {
  await redis.client.config('RESETSTAT');
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  const redisUs = await redisMicros(redis);
  const events = LOGS * EVENTS;
  return {
    redisUsPerEvent: (redisUs / events).toFixed(2),
    nodeUsPerEvent: ((used.user + used.system) / events).toFixed(2),
  };
}

async function main(): Promise<void> {
  const modulePath =
    process.argv[2] ?? new URL('../src/redis/redis-event-log.ts', import.meta.url).pathname;
  const { RedisEventLog } = (await import(pathToFileURL(modulePath).href)) as {
    RedisEventLog: LogConstructor;
  };
  const redis = await startBenchRedis();
  const hub = await RedisHub.connect({ url: redis.url, prefix: 'micro:' });
  const log = new RedisEventLog(hub);
  try {
    for (const batchSize of [1, 10, 100]) {
      const ids = Array.from({ length: LOGS }, () => randomUUID());
      for (const requestId of ids) {
        await log.create({ requestId, appId: 'a/b', endpoint: '', owner: 'o', createdAt: 0 });
      }
      const batch = Array.from({ length: batchSize }, () => ({
        type: 'output' as const,
        json: PAYLOAD,
      }));
      const append = await measure(redis, async () => {
        await Promise.all(
          ids.map(async (requestId) => {
            for (let sent = 0; sent < EVENTS; sent += batchSize) await log.append(requestId, batch);
          }),
        );
      });
      const read = await measure(redis, async () => {
        await Promise.all(
          ids.map(async (requestId) => {
            for (let position = 0; position < EVENTS;) {
              position = (await log.read(requestId, position, batchSize))!.lastSeq;
            }
          }),
        );
      });
      console.log(JSON.stringify({ batchSize, append, read }));
    }
  } finally {
    await log.close();
    await hub.close();
    await redis.stop();
  }
}

void main();

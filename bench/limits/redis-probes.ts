import type { Redis } from 'ioredis';
import type { Metrics } from '../scenarios/scenario.js';

async function bytesSent(redis: Redis): Promise<number> {
  const stats = await redis.info('stats');
  return Number(/^total_net_output_bytes:(\d+)/m.exec(stats)?.[1] ?? Number.NaN);
}

/**
 * Runs `measure` (which reports `deliveredBytes`) and adds `redisReadPerDelivered`: bytes
 * Redis sent to all its clients meanwhile (`INFO stats` `total_net_output_bytes`) ÷ bytes
 * the client received. Without Redis, `measure` alone.
 *
 * @example
 * await withRedisBytes(context.redis, () => measureThroughput(context, workload));
 */
export async function withRedisBytes(
  redis: Redis | undefined,
  measure: () => Promise<Metrics>,
): Promise<Metrics> {
  if (redis === undefined) return measure();
  const before = await bytesSent(redis);
  const metrics = await measure();
  const sent = (await bytesSent(redis)) - before;
  return { ...metrics, redisReadPerDelivered: sent / metrics.deliveredBytes! };
}

async function activeRuns(redis: Redis): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', '*:active', 'COUNT', 1000);
    cursor = next;
    for (const key of keys) total += await redis.llen(key);
  } while (cursor !== '0');
  return total;
}

/**
 * Resolves once BullMQ's active lists (every `*:active` key) hold at least `runs` jobs,
 * i.e. the workers have taken every held run; rejects after `timeoutMs`.
 *
 * @example
 * await untilRunsActive(redis, 5000, 120_000);
 */
export async function untilRunsActive(redis: Redis, runs: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const active = await activeRuns(redis);
    if (active >= runs) return;
    if (performance.now() > deadline) throw new Error(`only ${active}/${runs} runs were taken`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

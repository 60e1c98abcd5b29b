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

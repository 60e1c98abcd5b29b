import {
  createGateway,
  type Gateway,
  type GatewayOptions,
} from '../../src/server/create-gateway.js';
import { pino } from 'pino';
import type { App } from '../../src/app/define-app.js';
import type { RedisModeOptions } from '../../src/cluster/redis-backends.js';
import { startWorkerNode, type WorkerNode } from '../../src/cluster/worker-node.js';
import { deletePrefix, redisUrl, uniquePrefix } from './redis.js';

/** A gateway listening on a free loopback port, released by `await using`. */
export interface TestGateway extends Gateway, AsyncDisposable {
  readonly url: string;
}

/**
 * Starts a real gateway on 127.0.0.1:0 with logging off.
 *
 * @example
 * await using gateway = await startGateway({ apps: [countApp] });
 */
export async function startGateway(options: GatewayOptions): Promise<TestGateway> {
  const gateway = await createGateway({ logger: false, ...options });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { ...gateway, url, [Symbol.asyncDispose]: () => gateway.close() };
}

/** Options of {@link startRedisGateway}: the Redis options are filled in when left out. */
export interface TestRedisGatewayOptions extends Omit<GatewayOptions, 'redis'> {
  readonly redis?: Partial<RedisModeOptions>;
}

/** A Redis gateway, with the prefix its deployment uses. */
export interface TestRedisGateway extends TestGateway {
  readonly redis: RedisModeOptions & { readonly prefix: string };
}

/**
 * Starts a gateway in Redis mode on the suite's Redis under a fresh key prefix (or the
 * options' own), which is deleted when it is released. With `apps`, the same process is
 * the worker that runs them (inline, unless `runtime` says otherwise).
 *
 * @example
 * await using gateway = await startRedisGateway({ apps: [countApp] });
 */
export async function startRedisGateway(
  options: TestRedisGatewayOptions,
): Promise<TestRedisGateway> {
  const redis = { url: redisUrl(), prefix: uniquePrefix(), ...options.redis };
  const gateway = await startGateway({ ...options, redis });
  return {
    ...gateway,
    redis,
    [Symbol.asyncDispose]: async () => {
      try {
        await gateway.close();
      } finally {
        await deletePrefix(redis.prefix, redis.url);
      }
    },
  };
}

/** Where a gateway keeps its requests: in memory, or in Redis (with its own in-process worker). */
export type GatewayBackend = 'memory' | 'redis';

/**
 * Starts a gateway on either backend, for suites that must behave the same on both.
 *
 * @example
 * await using gateway = await startGatewayOn('redis', { apps: [gateApp] });
 */
export function startGatewayOn(
  backend: GatewayBackend,
  options: GatewayOptions,
): Promise<TestGateway> {
  return backend === 'redis' ? startRedisGateway(options) : startGateway(options);
}

/**
 * Starts a worker node of a Redis deployment in this process, logging off; `close` (or
 * `await using`) closes it once, however often it is called.
 *
 * @example
 * await using worker = await startTestWorker(gateway.redis, [countApp]);
 */
export async function startTestWorker(
  redis: RedisModeOptions,
  apps: readonly App[],
): Promise<WorkerNode & AsyncDisposable> {
  const node = await startWorkerNode({ redis, apps, logger: pino({ level: 'silent' }) });
  let closed: Promise<void> | undefined;
  const close = (deadlineMs: number) => (closed ??= node.close(deadlineMs));
  return { ...node, close, [Symbol.asyncDispose]: () => close(0) };
}

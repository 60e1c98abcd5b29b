import type { Redis } from 'ioredis';
import { pinToCore, processTree } from '../process-tree.js';
import { startRedisMode } from '../redis-mode-server.js';
import { startBenchRedis, type BenchRedis } from '../redis-server.js';
import { startServer, type ServerHandle } from '../server-process.js';

/** The four servers of issue 19's table: the bare baseline and sluice's three modes. */
export const LIMIT_MODES = ['raw', 'inline', 'process', 'redis'] as const;
export type LimitMode = (typeof LIMIT_MODES)[number];

/** One mode's server, started fresh for one measurement. */
export interface ModeServer {
  readonly mode: LimitMode;
  readonly server: ServerHandle;
  /** Every process of the deployment: the server's tree (and Redis's, in Redis mode). */
  processes(): number[];
  /** The private Redis, in Redis mode. */
  readonly redis: Redis | undefined;
  stop(): Promise<void>;
}

/** Where servers run: the core they are pinned to (none on a one-core machine). */
export interface ModeHost {
  readonly serverCore: number | undefined;
  /** The run's private `redis-server`, started on first use. */
  redis(): Promise<BenchRedis>;
}

/**
 * A {@link ModeHost} pinning servers to `serverCore`; its Redis is stopped by `close`.
 *
 * @example
 * const host = createModeHost(0); try { ... } finally { await host.close(); }
 */
export function createModeHost(serverCore: number | undefined) {
  let started: Promise<BenchRedis> | undefined;
  const redis = () => {
    started ??= startBenchRedis().then((benchRedis) => {
      if (serverCore !== undefined) pinToCore([benchRedis.pid], serverCore);
      return benchRedis;
    });
    return started;
  };
  const close = async () => {
    if (started !== undefined) await (await started).stop();
  };
  return { serverCore, redis, close };
}

const SCRIPTS = { raw: undefined, inline: 'sluice-server.ts', process: 'replica-server.ts' };

let redisStarts = 0;

async function startRedisModeServer(host: ModeHost): Promise<ModeServer> {
  const benchRedis = await host.redis();
  const server = await startRedisMode({ url: benchRedis.url, prefix: `limits${++redisStarts}:` });
  const roots = [server.processIds.gateway, server.processIds.worker, benchRedis.pid];
  if (host.serverCore !== undefined) pinToCore(processTree(roots), host.serverCore);
  return {
    mode: 'redis',
    server,
    processes: () => processTree(roots),
    redis: benchRedis.client,
    stop: async () => {
      await server.stop();
      await benchRedis.client.flushall();
    },
  };
}

/**
 * Starts `mode`'s server (whole process tree pinned to the host's server core) and
 * resolves once it listens.
 *
 * @example
 * const started = await startMode('process', host);
 */
export async function startMode(mode: LimitMode, host: ModeHost): Promise<ModeServer> {
  if (mode === 'redis') return startRedisModeServer(host);
  const pin = (pid: number) => {
    if (host.serverCore !== undefined) pinToCore([pid], host.serverCore);
  };
  const server = await startServer(mode === 'raw' ? 'baseline' : 'sluice', {
    script: SCRIPTS[mode],
    onSpawn: pin,
  });
  if (host.serverCore !== undefined) pinToCore(processTree([server.pid]), host.serverCore);
  return {
    mode,
    server,
    processes: () => processTree([server.pid]),
    redis: undefined,
    stop: () => server.stop(),
  };
}

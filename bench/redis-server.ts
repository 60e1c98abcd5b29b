import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pause } from './clock.js';

/** A private `redis-server` for one benchmark run. */
export interface BenchRedis {
  readonly url: string;
  readonly pid: number;
  /** A command connection to it, closed by {@link BenchRedis.stop}. */
  readonly client: Redis;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

const runningServers = new Set<ChildProcess>();

/**
 * Kills every `redis-server` this process started and has not stopped (safe to call from
 * an `exit` handler; leaves their temporary directories).
 *
 * @example
 * process.on('exit', killBenchRedisServers);
 */
export function killBenchRedisServers(): void {
  for (const child of runningServers) child.kill('SIGKILL');
}
const PROBE_EVERY_MS = 50;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function connectWhenUp(url: string): Promise<Redis> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return client;
    } catch (error) {
      client.disconnect();
      if (performance.now() > deadline)
        throw new Error(`redis-server at ${url} did not start`, { cause: error });
      await pause(PROBE_EVERY_MS);
    }
  }
}

/**
 * Starts `redis-server` on a free loopback port without persistence (`--save ''
 * --appendonly no`), in a temporary directory, and connects to it.
 *
 * @example
 * const redis = await startBenchRedis();
 * try { ... } finally { await redis.stop(); }
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const directory = await mkdtemp(join(tmpdir(), 'sluice-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', directory].concat([
      '--save',
      '',
      '--appendonly',
      'no',
    ]),
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  runningServers.add(child);
  const stop = async () => {
    runningServers.delete(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(directory, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}`;
  try {
    const client = await connectWhenUp(url);
    return {
      url,
      pid: child.pid ?? Number.NaN,
      client,
      stop: async () => {
        client.disconnect();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

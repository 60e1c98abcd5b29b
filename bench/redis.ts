/**
 * Redis-mode benchmarks (issue 6), memory and Redis measured in the same run, next to the
 * minimal `node:http` SSE baseline: (a) events/s on 100 concurrent streams, (b) p50/p99
 * emit-to-client latency at 50 streams × 20 events/s, (c) time to first event from submit,
 * (d) Redis memory and keys per retained request. Redis mode runs as deployed: a private
 * `redis-server`, `sluice worker bench/firehose-app.ts --redis` and `sluice serve --redis`,
 * each its own process.
 *
 * Run: `npx tsx bench/redis.ts [--quick]` (prints a Markdown table).
 */
import { currentLoad, describeMachine } from './report.js';
import { startRedisMode } from './redis-mode-server.js';
import { childPidRunning } from './redis-process-cpu.js';
import type { BenchServers } from './redis-modes.js';
import { runRedisScenarios } from './redis-scenarios.js';
import { killBenchRedisServers, startBenchRedis, type BenchRedis } from './redis-server.js';
import { renderRedisTable } from './redis-table.js';
import { warmUp } from './scenarios/warm-up.js';
import { killAllChildren } from './server-children.js';
import { startServer } from './server-process.js';

const PREFIX = 'bench:';

function parseQuick(argv: readonly string[]): boolean {
  for (const argument of argv) {
    if (argument !== '--quick') throw new Error(`unknown argument ${argument} (use --quick)`);
  }
  return argv.length > 0;
}

/** Starts the three servers, pushing each one's `stop` as it comes up. */
async function startServers(redis: BenchRedis, stops: (() => Promise<void>)[]) {
  const baseline = await startServer('baseline');
  stops.push(() => baseline.stop());
  const memory = await startServer('sluice');
  stops.push(() => memory.stop());
  const redisMode = await startRedisMode({ url: redis.url, prefix: PREFIX });
  stops.push(() => redisMode.stop());
  const bench: BenchServers = {
    servers: { baseline, memory, redis: redisMode },
    processes: {
      baseline: { server: await childPidRunning('baseline-server.ts') },
      memory: { gateway: await childPidRunning('sluice-server.ts') },
      redis: { ...redisMode.processIds, 'redis-server': redis.pid },
    },
  };
  return bench;
}

async function main(): Promise<void> {
  const quick = parseQuick(process.argv.slice(2));
  const machine = describeMachine();
  const log = (line: string) => console.error(line);
  const redis = await startBenchRedis();
  const stops: (() => Promise<void>)[] = [];
  try {
    const bench = await startServers(redis, stops);
    const { baseline, memory, redis: redisMode } = bench.servers;
    for (const server of [baseline, memory, redisMode]) await warmUp(server);
    const { figures, sampleKeys } = await runRedisScenarios(bench, redis.client, { quick, log });
    console.log(renderRedisTable(machine, figures, { quick, loadAtEnd: currentLoad() }));
    console.log("\nOne retained request's own keys (MEMORY USAGE, PTTL):\n");
    for (const { key, bytes, ttlMs } of sampleKeys) {
      const expiry = ttlMs < 0 ? 'never expires' : `expires in ${Math.round(ttlMs / 1000)} s`;
      console.log(`- \`${key}\`: ${bytes} B, ${expiry}`);
    }
  } finally {
    await Promise.all(stops.map((stop) => stop()));
    await redis.stop();
  }
}

process.on('exit', () => {
  killAllChildren();
  killBenchRedisServers();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

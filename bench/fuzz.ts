/**
 * `npm run bench:fuzz [-- --count 5000] [-- --seed 7]`: the long fuzz run. Random malformed
 * requests (methods, paths, headers, bodies, request ids, raw bytes) against a real gateway
 * on 127.0.0.1, in memory mode and in Redis mode (a private redis-server), 20 at a time.
 * Every answer must be below 500 and every error in `{detail, error_type, code}` with a
 * documented code, and the gateway must still serve afterwards. Bounded in count (default
 * 3,000 in memory, a fifth of that on Redis) and in time (120 s per mode).
 */
import { parseArgs } from 'node:util';
import { createGateway, type GatewayOptions } from '../src/server/create-gateway.js';
import { countApp } from '../test/support/test-apps.js';
import { judge, randomRequest, seededRandom } from '../test/server/fuzz-cases.js';
import { killBenchRedisServers, startBenchRedis } from './redis-server.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '3000' }, seed: { type: 'string', default: '1' } },
});
const COUNT = Number(values.count);
const SEED = Number(values.seed);
const PARALLEL = 20;
const TIME_LIMIT_MS = 120_000;

interface ModeResult {
  readonly sent: number;
  readonly statuses: Map<number, number>;
  readonly problems: string[];
  readonly stillServes: boolean;
  readonly ms: number;
}

async function stillServes(url: string): Promise<boolean> {
  const response = await fetch(`${url}/test/count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"n":3}',
  });
  return ((await response.json()) as { count?: number }).count === 3;
}

async function fuzzMode(options: Partial<GatewayOptions>, count: number): Promise<ModeResult> {
  const gateway = await createGateway({
    apps: [countApp],
    logger: false,
    requestTimeoutMs: 1_000,
    ...options,
  });
  const url = await gateway.listen();
  const random = seededRandom(SEED);
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  const started = Date.now();
  let sent = 0;
  try {
    while (sent < count && Date.now() - started < TIME_LIMIT_MS) {
      const batch = Array.from({ length: Math.min(PARALLEL, count - sent) }, () =>
        randomRequest(random),
      );
      const verdicts = await Promise.all(batch.map((bytes) => judge(url, bytes)));
      verdicts.forEach(({ status, problem }, index) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (problem) problems.push(`${problem}: ${JSON.stringify(batch[index]!.slice(0, 160))}`);
      });
      sent += batch.length;
    }
    return {
      sent,
      statuses,
      problems,
      stillServes: await stillServes(url),
      ms: Date.now() - started,
    };
  } finally {
    await gateway.close();
  }
}

function report(mode: string, result: ModeResult): boolean {
  const statuses = [...result.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`);
  console.log(
    `${mode}: ${result.sent} requests in ${result.ms} ms (seed ${SEED}); ${statuses.join(' ')}`,
  );
  console.log(`  problems: ${result.problems.length}; still serves: ${result.stillServes}`);
  for (const problem of result.problems.slice(0, 20)) console.log(`  - ${problem}`);
  return result.problems.length === 0 && result.stillServes;
}

process.on('exit', killBenchRedisServers);
const memoryOk = report('memory', await fuzzMode({}, COUNT));
const redis = await startBenchRedis();
let redisOk = false;
try {
  const prefix = `sluice-fuzz:${process.pid}:`;
  redisOk = report(
    'redis',
    await fuzzMode({ redis: { url: redis.url, prefix } }, Math.ceil(COUNT / 5)),
  );
} finally {
  await redis.stop();
}
process.exitCode = memoryOk && redisOk ? 0 : 1;

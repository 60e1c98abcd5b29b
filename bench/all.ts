/**
 * `npm run bench [-- --quick] [-- --only i,ii]`: the core scenarios (`bench/run.ts`, which
 * takes the arguments), then the replica, collective, queue, operations, autoscale, dialect, sync-path,
 * Redis-mode, startup and realtime benchmarks and the limits table (every scenario in every
 * mode); those from dialects on take `--quick`. One process each, so none warms or loads the next.
 */
import { spawnSync } from 'node:child_process';

const SUITES: readonly (readonly string[])[] = [
  ['bench/run.ts', ...process.argv.slice(2)],
  ['bench/replicas.ts'],
  ['bench/collectives.ts'],
  ['bench/queue.ts'],
  ['bench/operations.ts'],
  ['bench/autoscale.ts'],
  ['bench/dialects.ts', ...process.argv.slice(2).filter((argument) => argument === '--quick')],
  ['bench/sync-path.ts', ...process.argv.slice(2).filter((argument) => argument === '--quick')],
  ['bench/redis.ts', ...process.argv.slice(2).filter((argument) => argument === '--quick')],
  ['bench/startup.ts', ...process.argv.slice(2).filter((argument) => argument === '--quick')],
  ['bench/realtime.ts', ...process.argv.slice(2).filter((argument) => argument === '--quick')],
  ['bench/limits.ts', ...process.argv.slice(2).filter((argument) => argument === '--quick')],
];

let failed = 0;
for (const suite of SUITES) {
  console.error(`\n== tsx ${suite.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...suite], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;

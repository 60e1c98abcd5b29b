/**
 * End to end, the wire dialects on scenario (ii): the sluice benchmark server in its own
 * process (pinned to core 0), this process the client (pinned to core 1), 100 streams ×
 * 2,000 output events of 100 bytes over HTTP per run, each dialect asked for with
 * `?dialect=`. Runs rotate the dialects' order, so drift in the machine's load falls on all
 * three; the median of the runs is compared with `sluice`'s in the same process.
 */
import { createBenchAgent } from './client.js';
import { pinToCore, treeCpuSeconds } from './process-tree.js';
import { measureThroughput } from './scenarios/throughput.js';
import { startServer } from './server-process.js';
import type { BenchDialect } from './sse-frame-reader.js';
import { median } from './statistics.js';

type Dialect = 'sluice' | BenchDialect;
const DIALECTS: readonly Dialect[] = ['sluice', 'data', 'typed'];
/** The most a dialect may fall behind the default, as the issue sets it. */
const TARGET_PERCENT = 5;

/** One run of one dialect: its throughput, and the server's CPU time per event. */
export interface DialectRun {
  readonly eventsPerSecond: number;
  readonly serverCpuMicroseconds: number;
}

/** Each dialect's runs, in round order. */
export type DialectRuns = ReadonlyMap<Dialect, readonly DialectRun[]>;

/**
 * Measures every dialect `runs` times (after one warm-up run each) on scenario (ii)'s
 * workload, or on its quick size.
 *
 * @example
 * const runs = await measureDialectThroughput({ quick: true, runs: 3 });
 */
export async function measureDialectThroughput(options: {
  readonly quick: boolean;
  readonly runs: number;
}): Promise<DialectRuns> {
  const workload = {
    streams: options.quick ? 50 : 100,
    events: options.quick ? 1_000 : 2_000,
    bytes: 100,
    timeoutMs: 300_000,
  };
  const server = await startServer('sluice', { onSpawn: (pid) => pinToCore([pid], 0) });
  pinToCore([process.pid], 1);
  const runs = new Map<Dialect, DialectRun[]>(DIALECTS.map((dialect) => [dialect, []]));
  const events = workload.streams * workload.events;
  try {
    for (let run = 0; run <= options.runs; run++) {
      for (let turn = 0; turn < DIALECTS.length; turn++) {
        const dialect = DIALECTS[(run + turn) % DIALECTS.length]!;
        const agent = createBenchAgent();
        try {
          const cpuBefore = await treeCpuSeconds([server.pid]);
          const metrics = await measureThroughput(
            { server, agent },
            { ...workload, ...(dialect === 'sluice' ? {} : { dialect }) },
          );
          const cpu = (await treeCpuSeconds([server.pid])) - cpuBefore;
          // Run 0 warms the server and the client and is not counted.
          if (run > 0) {
            runs.get(dialect)!.push({
              eventsPerSecond: metrics.eventsPerSecond ?? Number.NaN,
              serverCpuMicroseconds: (cpu * 1e6) / events,
            });
          }
        } finally {
          agent.destroy();
        }
      }
    }
  } finally {
    await server.stop();
  }
  return runs;
}

/** Each run's figure over `sluice`'s in the same round, then their median: drift in the load falls on both. */
function pairedRatio(samples: readonly number[], base: readonly number[]): number {
  return median(samples.map((sample, index) => sample / base[index]!));
}

function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatPercent(ratio: number): string {
  return `${((ratio - 1) * 100).toFixed(1)} %`;
}

/**
 * The markdown table of {@link measureDialectThroughput}'s runs: events/s (median and
 * best) and the paired difference from `sluice` (the median of each round's ratio), whether
 * that is within the target, and the server's CPU time per event (less disturbed by other
 * load than wall-clock throughput) with its own paired difference.
 *
 * @example
 * console.log(renderDialectThroughput(runs));
 */
export function renderDialectThroughput(runs: DialectRuns): string {
  const rates = (dialect: Dialect) => runs.get(dialect)!.map((run) => run.eventsPerSecond);
  const cpus = (dialect: Dialect) => runs.get(dialect)!.map((run) => run.serverCpuMicroseconds);
  const rows = DIALECTS.map((dialect) => {
    const samples = rates(dialect);
    const ratio = pairedRatio(samples, rates('sluice'));
    const met = dialect === 'sluice' ? '' : ratio >= 1 - TARGET_PERCENT / 100 ? 'met' : 'NOT met';
    const cpu = median(cpus(dialect)).toFixed(2);
    const cpuRatio = formatPercent(pairedRatio(cpus(dialect), cpus('sluice')));
    const all = samples.map(formatRate).join(', ');
    return `| ${dialect} | ${formatRate(median(samples))} | ${formatRate(Math.max(...samples))} | ${formatPercent(ratio)} | ${met} | ${cpu} | ${cpuRatio} | ${all} |`;
  });
  return [
    `| dialect | events/s (median) | best | vs sluice (paired) | within ${TARGET_PERCENT} % | server CPU µs/event | CPU vs sluice | runs (events/s) |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

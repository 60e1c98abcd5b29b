/**
 * End to end, the wire dialects on scenario (ii): the sluice benchmark server in its own
 * process (pinned to core 0), this process the client (pinned to core 1), 100 streams ×
 * 2,000 output events of 100 bytes over HTTP per run, each dialect asked for with
 * `?dialect=`. Runs rotate the dialects' order, so drift in the machine's load falls on all
 * three; the median of the runs is compared with `sluice`'s in the same process.
 */
import { createBenchAgent } from './client.js';
import { pinToCore } from './process-tree.js';
import { measureThroughput } from './scenarios/throughput.js';
import { startServer } from './server-process.js';
import type { BenchDialect } from './sse-frame-reader.js';
import { median } from './statistics.js';

type Dialect = 'sluice' | BenchDialect;
const DIALECTS: readonly Dialect[] = ['sluice', 'data', 'typed'];
/** The most a dialect may fall behind the default, as the issue sets it. */
const TARGET_PERCENT = 5;

/** Events per second of each dialect, one list of runs each. */
export type DialectRuns = ReadonlyMap<Dialect, readonly number[]>;

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
  const runs = new Map<Dialect, number[]>(DIALECTS.map((dialect) => [dialect, []]));
  try {
    for (let run = 0; run <= options.runs; run++) {
      for (let turn = 0; turn < DIALECTS.length; turn++) {
        const dialect = DIALECTS[(run + turn) % DIALECTS.length]!;
        const agent = createBenchAgent();
        try {
          const metrics = await measureThroughput(
            { server, agent },
            { ...workload, ...(dialect === 'sluice' ? {} : { dialect }) },
          );
          // Run 0 warms the server and the client and is not counted.
          if (run > 0) runs.get(dialect)!.push(metrics.eventsPerSecond ?? Number.NaN);
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

/** Each run's events/s over `sluice`'s in the same round, then their median: drift in the load falls on both. */
function pairedRatio(samples: readonly number[], base: readonly number[]): number {
  return median(samples.map((sample, index) => sample / base[index]!));
}

function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * The markdown table of {@link measureDialectThroughput}'s runs: events/s (median and
 * best), the paired difference from `sluice` (the median of each round's ratio), and
 * whether it is within the target.
 *
 * @example
 * console.log(renderDialectThroughput(runs));
 */
export function renderDialectThroughput(runs: DialectRuns): string {
  const base = runs.get('sluice')!;
  const rows = DIALECTS.map((dialect) => {
    const samples = runs.get(dialect)!;
    const percent = (pairedRatio(samples, base) - 1) * 100;
    const met = dialect === 'sluice' ? '' : percent >= -TARGET_PERCENT ? 'met' : 'NOT met';
    const best = formatRate(Math.max(...samples));
    const all = samples.map(formatRate).join(', ');
    return `| ${dialect} | ${formatRate(median(samples))} | ${best} | ${percent.toFixed(1)} % | ${met} | ${all} |`;
  });
  return [
    `| dialect | events/s (median) | best | vs sluice (paired) | within ${TARGET_PERCENT} % | runs |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

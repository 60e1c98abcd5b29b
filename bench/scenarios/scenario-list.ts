import { measureIdleMemory } from './idle-memory.js';
import { measureLatency } from './latency.js';
import type { MetricRow, Scenario } from './scenario.js';
import { measureThroughput, type ThroughputWorkload } from './throughput.js';

const formatRate = (value: number) => `${Math.round(value).toLocaleString('en-US')} ev/s`;
const formatMegabytes = (value: number) => `${value.toFixed(1)} MB/s`;
const formatMilliseconds = (value: number) => `${value.toFixed(2)} ms`;
const formatKilobytes = (value: number) => `${value.toFixed(1)} KB`;

const AT_LEAST_80_PERCENT = { kind: 'ratio-at-least', value: 0.8 } as const;
const EVENTS_ROW: MetricRow = {
  metric: 'eventsPerSecond',
  label: 'events/s',
  format: formatRate,
  target: AT_LEAST_80_PERCENT,
};
const MEGABYTES_ROW: MetricRow = {
  metric: 'megabytesPerSecond',
  label: 'MB/s',
  format: formatMegabytes,
  target: AT_LEAST_80_PERCENT,
};

function throughputScenario(
  id: string,
  workload: ThroughputWorkload,
  options: { repetitions: number; row: MetricRow },
): Scenario {
  const size = workload.bytes >= 1000 ? `${workload.bytes / 1000} KB` : `${workload.bytes} B`;
  return {
    id,
    title: `${workload.streams} stream(s) × ${workload.events.toLocaleString('en-US')} events × ${size}`,
    repetitions: options.repetitions,
    timeoutMs: workload.timeoutMs,
    rows: [options.row],
    measure: (context) => measureThroughput(context, workload),
  };
}

function latencyScenario(quick: boolean): Scenario {
  const workload = {
    streams: quick ? 20 : 50,
    intervalMs: 50,
    durationMs: quick ? 3_000 : 10_000,
    bytes: 100,
  };
  const ceiling = { kind: 'sluice-at-most', value: 2, unit: 'ms' } as const;
  return {
    id: 'iv',
    title: `${workload.streams} streams paced at 20 events/s for ${workload.durationMs / 1000} s: emit-to-parse latency`,
    repetitions: quick ? 1 : 3,
    timeoutMs: workload.durationMs + 60_000,
    rows: [
      { metric: 'p50Ms', label: 'p50', format: formatMilliseconds },
      { metric: 'p99Ms', label: 'p99', format: formatMilliseconds, target: ceiling },
      { metric: 'maxMs', label: 'max', format: formatMilliseconds },
    ],
    measure: (context) => measureLatency(context, workload),
  };
}

function idleScenario(quick: boolean): Scenario {
  const workload = { streams: quick ? 1_000 : 5_000, timeoutMs: 180_000 };
  const ceiling = { kind: 'sluice-at-most', value: 24, unit: 'KB' } as const;
  return {
    id: 'v',
    title: `${workload.streams.toLocaleString('en-US')} idle streams: server memory per stream`,
    repetitions: quick ? 1 : 3,
    timeoutMs: workload.timeoutMs,
    rows: [
      {
        metric: 'heapKbPerStream',
        label: 'heapUsed/stream',
        format: formatKilobytes,
        target: ceiling,
      },
      { metric: 'rssKbPerStream', label: 'rss/stream', format: formatKilobytes, target: ceiling },
    ],
    measure: (context) => measureIdleMemory(context, workload),
  };
}

/**
 * The five scenarios, at full size or (`quick`) smaller and with fewer repetitions.
 *
 * @example
 * const scenarios = buildScenarios(false).filter((scenario) => only.has(scenario.id));
 */
export function buildScenarios(quick: boolean): Scenario[] {
  const repetitions = quick ? 2 : 5;
  const timeoutMs = 180_000;
  return [
    throughputScenario(
      'i',
      { streams: 1, events: quick ? 50_000 : 200_000, bytes: 100, timeoutMs },
      { repetitions, row: EVENTS_ROW },
    ),
    throughputScenario(
      'ii',
      { streams: quick ? 50 : 100, events: quick ? 1_000 : 2_000, bytes: 100, timeoutMs },
      { repetitions, row: EVENTS_ROW },
    ),
    throughputScenario(
      'iii',
      { streams: quick ? 10 : 20, events: quick ? 50 : 200, bytes: 100_000, timeoutMs },
      { repetitions, row: MEGABYTES_ROW },
    ),
    latencyScenario(quick),
    idleScenario(quick),
  ];
}

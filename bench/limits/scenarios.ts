import { pause } from '../clock.js';
import { treeCpuSeconds, treeRssBytes } from '../process-tree.js';
import { measureFirstEvents } from '../redis-workloads.js';
import { measureIdleMemory } from '../scenarios/idle-memory.js';
import { measureLatency } from '../scenarios/latency.js';
import { measureThroughput, type ThroughputWorkload } from '../scenarios/throughput.js';
import type { LimitContext, LimitRow, LimitScenario } from './limit-scenario.js';
import { heldStreamsScenario } from './held-streams.js';
import { measureManyStreams } from './many-streams.js';
import { untilRunsActive, withRedisBytes } from './redis-probes.js';

const TIMEOUT_MS = 180_000;
const SETTLE_MS = 500;

const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} ev/s`;
const megabytes = (value: number) => `${value.toFixed(1)} MB/s`;
const milliseconds = (value: number) => `${value.toFixed(2)} ms`;
const kilobytes = (value: number) => `${value.toFixed(1)} KB`;
const times = (value: number) => `${value.toFixed(2)}×`;
const percent = (value: number) => `${value.toFixed(1)} %`;

const ratio = (value: number) => ({ kind: 'ratio-at-least', value }) as const;
const atMost = (value: number, unit: string) => ({ kind: 'at-most', value, unit }) as const;

function throughput(
  id: string,
  workload: ThroughputWorkload & { readonly repetitions: number },
  rows: readonly LimitRow[],
): LimitScenario {
  const { repetitions } = workload;
  const size = workload.bytes >= 1000 ? `${workload.bytes / 1000} KB` : `${workload.bytes} B`;
  return {
    id,
    title: `${workload.streams} × ${workload.events.toLocaleString('en-US')} × ${size}`,
    repetitions,
    timeoutMs: workload.timeoutMs,
    rows,
    measure: (context) =>
      withRedisBytes(context.redis, async () => {
        const metrics = await measureThroughput(context, workload);
        const deliveredBytes = metrics.megabytesPerSecond! * metrics.seconds! * 1e6;
        return { ...metrics, deliveredBytes };
      }),
  };
}

/**
 * Tree RSS and CPU while idle streams are held (in Redis mode, once the worker has taken
 * every run), against the tree's RSS before.
 */
async function measureIdleTree(
  context: LimitContext,
  workload: { readonly streams: number; readonly cpuWindowMs: number },
) {
  await pause(SETTLE_MS);
  const before = treeRssBytes(context.processes());
  return measureIdleMemory(
    context,
    { streams: workload.streams, timeoutMs: TIMEOUT_MS },
    async () => {
      if (context.redis !== undefined)
        await untilRunsActive(context.redis, workload.streams, TIMEOUT_MS / 2);
      const rssKb = (treeRssBytes(context.processes()) - before) / workload.streams / 1024;
      const cpuBefore = await treeCpuSeconds(context.processes());
      await pause(workload.cpuWindowMs);
      const cpu = (await treeCpuSeconds(context.processes())) - cpuBefore;
      return { treeRssKbPerStream: rssKb, idleCpuPercent: (cpu * 100_000) / workload.cpuWindowMs };
    },
  );
}

/**
 * Issue 19's scenarios (i)–(vii) at full size or (`quick`) smaller: throughput of small and
 * 100 KB events, paced latency, 1,000 streams, time to first event, idle streams.
 *
 * @example
 * const scenarios = limitScenarios(false);
 */
export function limitScenarios(quick: boolean): LimitScenario[] {
  const repetitions = quick ? 1 : 3;
  const small = { bytes: 100, timeoutMs: TIMEOUT_MS, repetitions };
  const large = { bytes: 100_000, timeoutMs: TIMEOUT_MS, repetitions };
  const smallRow: LimitRow = {
    metric: 'eventsPerSecond',
    label: 'events/s',
    format: rate,
    targets: { inline: ratio(0.9), process: ratio(0.6), redis: ratio(0.6) },
  };
  const paced = { streams: quick ? 20 : 50, intervalMs: 50, durationMs: quick ? 3_000 : 10_000 };
  const many = { streams: quick ? 300 : 1_000, events: quick ? 50 : 200 };
  const idle = { streams: quick ? 500 : 5_000, cpuWindowMs: quick ? 3_000 : 10_000 };
  const firstEvent = quick
    ? { runs: 30, warmupStreams: 500, warmupMs: 10_000 }
    : { runs: 200, warmupStreams: 2_000, warmupMs: 30_000 };
  return [
    throughput('i', { streams: 1, events: quick ? 50_000 : 200_000, ...small }, [smallRow]),
    throughput('ii', { streams: quick ? 50 : 100, events: quick ? 500 : 2_000, ...small }, [
      smallRow,
    ]),
    throughput('iii', { streams: quick ? 10 : 20, events: quick ? 30 : 200, ...large }, [
      {
        metric: 'megabytesPerSecond',
        label: 'MB/s',
        format: megabytes,
        targets: { inline: ratio(0.8), process: ratio(0.5), redis: ratio(0.3) },
      },
      {
        metric: 'redisReadPerDelivered',
        label: 'Redis bytes sent ÷ bytes delivered',
        format: times,
        targets: { redis: atMost(1.2, '×') },
        only: ['redis'],
      },
    ]),
    {
      id: 'iv',
      title: `${paced.streams} streams × 20 events/s for ${paced.durationMs / 1000} s`,
      repetitions,
      timeoutMs: paced.durationMs + 60_000,
      rows: [
        { metric: 'p50Ms', label: 'p50', format: milliseconds },
        {
          metric: 'p99Ms',
          label: 'p99',
          format: milliseconds,
          targets: { process: atMost(3, 'ms'), redis: atMost(5, 'ms') },
        },
      ],
      measure: (context) => measureLatency(context, { ...paced, bytes: 100 }),
    },
    {
      id: 'vi',
      title: `${many.streams.toLocaleString('en-US')} streams × ${many.events} × 100 B at once`,
      repetitions,
      timeoutMs: TIMEOUT_MS,
      rows: [
        { metric: 'eventsPerSecond', label: 'events/s', format: rate },
        {
          metric: 'worstStreamP99Ms',
          label: 'worst stream p99',
          format: milliseconds,
          targets: {
            raw: atMost(100, 'ms'),
            inline: atMost(100, 'ms'),
            process: atMost(100, 'ms'),
            redis: atMost(100, 'ms'),
          },
        },
      ],
      measure: (context) =>
        measureManyStreams(context, { ...many, bytes: 100, timeoutMs: TIMEOUT_MS }),
    },
    {
      id: 'vii',
      title: `time to first event, ${firstEvent.runs} sequential one-event streams`,
      repetitions,
      timeoutMs: TIMEOUT_MS,
      rows: [
        { metric: 'coldP50Ms', label: 'p50 on the fresh server', format: milliseconds },
        {
          metric: 'p50Ms',
          label: `p50 once warm (after ${firstEvent.warmupStreams.toLocaleString('en-US')} streams)`,
          format: milliseconds,
          targets: { inline: atMost(0.6, 'ms'), redis: atMost(3, 'ms') },
        },
        {
          metric: 'commandsPerEvent',
          label: 'Redis commands per warm stream (those of scripts included)',
          format: (value) => value.toFixed(1),
          only: ['redis'],
        },
      ],
      measure: (context) => measureFirstEvents(context, firstEvent, context.redis),
    },
    {
      id: 'v',
      title: `${idle.streams.toLocaleString('en-US')} idle streams held`,
      repetitions,
      timeoutMs: TIMEOUT_MS,
      rows: [
        {
          metric: 'treeRssKbPerStream',
          label: 'RSS per stream, whole process tree',
          format: kilobytes,
          targets: {
            inline: atMost(24, 'KB'),
            process: atMost(24, 'KB'),
            redis: atMost(24, 'KB'),
          },
        },
        {
          metric: 'idleCpuPercent',
          label: 'CPU of the whole tree while held (% of a core)',
          format: percent,
          targets: { redis: atMost(5, '%') },
        },
      ],
      measure: (context) => measureIdleTree(context, idle),
    },
    heldStreamsScenario(quick),
  ];
}

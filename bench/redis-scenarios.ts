import type { Redis } from 'ioredis';
import { createBenchAgent } from './client.js';
import { withCommandStats } from './redis-command-stats.js';
import { repeatOverModes, type BenchServers, type Mode, type ModeSamples } from './redis-modes.js';
import { measureRetainedMemory, type RetainedMemory } from './redis-retained-memory.js';
import type { Figure } from './redis-table.js';
import { measureFirstEvents, measureThroughputAndCpu } from './redis-workloads.js';
import { measureLatency } from './scenarios/latency.js';
import type { Metrics } from './scenarios/scenario.js';
import { benchSizes, type Sizes } from './redis-sizes.js';

const BYTES = 100;
const RETAINED_EVENTS = 20;
const LATENCY_INTERVAL_MS = 50;
const TIMEOUT_MS = 120_000;
const ALL_MODES = ['baseline', 'memory', 'redis'] as const;

const formatRate = (value: number) => `${Math.round(value).toLocaleString('en-US')} ev/s`;
const formatMicroseconds = (value: number) => `${value.toFixed(1)} µs`;
const formatMilliseconds = (value: number) => `${value.toFixed(2)} ms`;
const formatKilobytes = (value: number) => `${(value / 1024).toFixed(2)} KiB`;
const formatCount = (value: number) => value.toFixed(2);

/** What the scenarios produced: the table's rows and one retained request's keys. */
export interface RedisScenarioResults {
  readonly figures: Figure[];
  readonly sampleKeys: RetainedMemory['sampleKeys'];
}

/** What every scenario gets. */
interface ScenarioRun {
  readonly bench: BenchServers;
  readonly redis: Redis;
  readonly sizes: Sizes;
  readonly log: (line: string) => void;
}

/** In Redis mode, counts Redis commands per event too. */
function countingInRedisMode(run: ScenarioRun, mode: Mode) {
  return (events: number, measure: () => Promise<Metrics>) =>
    mode === 'redis' ? withCommandStats(run.redis, { events, measure }) : measure();
}

function commandFigures(name: string, samples: ModeSamples): Figure[] {
  return [
    {
      label: `${name}: Redis script runs per event`,
      samples,
      metric: 'scriptsPerEvent',
      format: formatCount,
    },
    {
      label: `${name}: Redis commands per event (with those in scripts)`,
      samples,
      metric: 'commandsPerEvent',
      format: formatCount,
    },
  ];
}

async function throughputFigures(run: ScenarioRun): Promise<Figure[]> {
  const workload = { ...run.sizes.throughput, bytes: BYTES, timeoutMs: TIMEOUT_MS };
  const name = `(a) ${workload.streams} streams × ${workload.events.toLocaleString('en-US')} × ${BYTES} B`;
  run.log(name);
  const samples = await repeatOverModes(
    run.bench,
    {
      name: '(a)',
      repetitions: run.sizes.throughputRepetitions,
      modes: ALL_MODES,
      measure: (context, mode) =>
        countingInRedisMode(run, mode)(workload.streams * workload.events, () =>
          measureThroughputAndCpu(context, { processes: run.bench.processes[mode], workload }),
        ),
    },
    run.log,
  );
  const cpu = (label: string, metric: string): Figure => ({
    label: `${name}: ${label}`,
    samples,
    metric,
    format: formatMicroseconds,
  });
  return [
    {
      label: `${name}: events/s`,
      samples,
      metric: 'eventsPerSecond',
      format: formatRate,
      target: { kind: 'ratio-at-least', value: 0.5 },
    },
    cpu('server CPU per event, all processes', 'cpuUsPerEvent'),
    cpu('… of which the gateway process', 'cpuUsPerEvent.gateway'),
    cpu('… of which the worker', 'cpuUsPerEvent.worker'),
    cpu('… of which redis-server', 'cpuUsPerEvent.redis-server'),
    ...commandFigures(name, samples),
  ];
}

async function latencyFigures(run: ScenarioRun): Promise<Figure[]> {
  const workload = { ...run.sizes.latency, intervalMs: LATENCY_INTERVAL_MS, bytes: BYTES };
  const name = `(b) ${workload.streams} streams × 20 ev/s for ${workload.durationMs / 1000} s, emit-to-client`;
  run.log(name);
  const events = workload.streams * Math.round(workload.durationMs / workload.intervalMs);
  const samples = await repeatOverModes(
    run.bench,
    {
      name: '(b)',
      repetitions: run.sizes.latencyRepetitions,
      modes: ALL_MODES,
      measure: (context, mode) =>
        countingInRedisMode(run, mode)(events, () => measureLatency(context, workload)),
    },
    run.log,
  );
  const row = (metric: string, label: string): Figure => ({
    label: `${name} ${label}`,
    samples,
    metric,
    format: formatMilliseconds,
  });
  return [
    row('p50Ms', 'p50'),
    { ...row('p99Ms', 'p99'), target: { kind: 'redis-at-most', value: 5, unit: 'ms' } },
    row('maxMs', 'max'),
    ...commandFigures(name, samples),
  ];
}

async function firstEventFigures(run: ScenarioRun): Promise<Figure[]> {
  const first = run.sizes.firstEvent;
  const name = `(c) time to first event from submit, ${first.runs} sequential streams`;
  run.log(name);
  const samples = await repeatOverModes(
    run.bench,
    {
      name: '(c)',
      repetitions: 1,
      modes: ALL_MODES,
      measure: (context) => measureFirstEvents(context, first),
    },
    run.log,
  );
  return [
    { label: `${name}: p50`, samples, metric: 'p50Ms', format: formatMilliseconds },
    { label: `${name}: p99`, samples, metric: 'p99Ms', format: formatMilliseconds },
    {
      label: `${name}: p50 on the fresh server`,
      samples,
      metric: 'coldP50Ms',
      format: formatMilliseconds,
    },
  ];
}

async function retainedFigures(run: ScenarioRun): Promise<RedisScenarioResults> {
  const requests = run.sizes.retainedRequests;
  const name = `(d) Redis per retained request (${requests.toLocaleString('en-US')} × ${RETAINED_EVENTS} events × ${BYTES} B + result)`;
  run.log(name);
  const agent = createBenchAgent();
  const workload = { requests, events: RETAINED_EVENTS, bytes: BYTES, concurrency: 20 };
  const gateway = { streamUrl: run.bench.servers.redis.streamUrl, agent };
  const retained = await measureRetainedMemory(run.redis, gateway, workload).finally(() =>
    agent.destroy(),
  );
  run.log(`  (d) redis: ${JSON.stringify(retained.metrics)}`);
  const samples: ModeSamples = { redis: [retained.metrics] };
  return {
    figures: [
      {
        label: `${name}: used_memory`,
        samples,
        metric: 'bytesPerRequest',
        format: formatKilobytes,
      },
      {
        label: `${name}: its own keys (MEMORY USAGE)`,
        samples,
        metric: 'ownKeyBytes',
        format: formatKilobytes,
      },
      { label: `${name}: keys`, samples, metric: 'keysPerRequest', format: formatCount },
    ],
    sampleKeys: retained.sampleKeys,
  };
}

/**
 * Runs (a) throughput on 100 streams, (b) paced latency and (c) time to first event on
 * every server, then (d) Redis memory per retained request through the Redis gateway.
 *
 * @example
 * const { figures } = await runRedisScenarios(bench, redis.client, { quick, log: console.error });
 */
export async function runRedisScenarios(
  bench: BenchServers,
  redis: Redis,
  options: { readonly quick: boolean; readonly log: (line: string) => void },
): Promise<RedisScenarioResults> {
  const run: ScenarioRun = { bench, redis, sizes: benchSizes(options.quick), log: options.log };
  const figures = [
    ...(await throughputFigures(run)),
    ...(await latencyFigures(run)),
    ...(await firstEventFigures(run)),
  ];
  const retained = await retainedFigures(run);
  return { figures: [...figures, ...retained.figures], sampleKeys: retained.sampleKeys };
}

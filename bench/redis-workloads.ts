import type { Redis } from 'ioredis';
import { withCommandStats } from './redis-command-stats.js';
import { cpuSecondsOfEach, type ProcessIds } from './redis-process-cpu.js';
import { timeFirstEvent } from './redis-first-event.js';
import type { MeasureContext, Metrics } from './scenarios/scenario.js';
import { measureThroughput, type ThroughputWorkload } from './scenarios/throughput.js';
import { percentile } from './statistics.js';

const FIRST_EVENT_TIMEOUT_MS = 30_000;

/**
 * {@link measureThroughput}, plus the CPU time each of the server's processes spent per
 * event meanwhile: `cpuUsPerEvent` (all of them) and `cpuUsPerEvent.<name>` (each).
 *
 * @example
 * await measureThroughputAndCpu(context, { processes: { server: pid }, workload });
 */
export async function measureThroughputAndCpu(
  context: MeasureContext,
  run: { readonly processes: ProcessIds; readonly workload: ThroughputWorkload },
): Promise<Metrics> {
  const before = await cpuSecondsOfEach(run.processes);
  const metrics = await measureThroughput(context, run.workload);
  const after = await cpuSecondsOfEach(run.processes);
  const events = run.workload.streams * run.workload.events;
  const perEvent: Metrics = { cpuUsPerEvent: 0 };
  for (const name of Object.keys(before)) {
    const microseconds = ((after[name]! - before[name]!) * 1e6) / events;
    perEvent[`cpuUsPerEvent.${name}`] = microseconds;
    perEvent.cpuUsPerEvent! += microseconds;
  }
  return { ...metrics, ...perEvent };
}

/** How many one-event streams {@link measureFirstEvents} times, and how it warms the server. */
export interface FirstEventRuns {
  /** Streams timed, once on the fresh server and again once it is warm. */
  readonly runs: number;
  /** Untimed streams between the two, at most; the warm-up also stops after `warmupMs`. */
  readonly warmupStreams: number;
  readonly warmupMs: number;
}

async function timeStreams(context: MeasureContext, runs: number): Promise<number[]> {
  const input = { events: 1, bytes: 100, interval_ms: 0, idle: false };
  const stream = {
    url: context.server.streamUrl,
    input,
    agent: context.agent,
    timeoutMs: FIRST_EVENT_TIMEOUT_MS,
  };
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) timings.push((await timeFirstEvent(stream)).firstEventMs);
  return timings;
}

async function warmUp(context: MeasureContext, { warmupStreams, warmupMs }: FirstEventRuns) {
  const deadline = performance.now() + warmupMs;
  for (let stream = 0; stream < warmupStreams && performance.now() < deadline; stream++) {
    await timeStreams(context, 1);
  }
}

/**
 * Time to first event: one-event streams one after another, each from its `POST` being sent
 * to its `output` frame parsed. `runs` of them on the fresh server (`coldP50Ms`: its code not
 * yet optimised), then, after the warm-up, `runs` more on the warm server (`p50Ms`, `p99Ms`:
 * what a serving process in steady state answers). Given the deployment's Redis, also the
 * commands Redis ran per warm stream (`commandsPerEvent`, those of scripts included, the
 * deployment's background commands meanwhile too).
 *
 * @example
 * await measureFirstEvents(context, { runs: 200, warmupStreams: 2_000, warmupMs: 30_000 });
 */
export async function measureFirstEvents(
  context: MeasureContext,
  first: FirstEventRuns,
  redis?: Redis,
): Promise<Metrics> {
  const cold = await timeStreams(context, first.runs);
  await warmUp(context, first);
  const timeWarm = async (): Promise<Metrics> => {
    const warm = await timeStreams(context, first.runs);
    return { p50Ms: percentile(warm, 0.5), p99Ms: percentile(warm, 0.99) };
  };
  const warm = redis
    ? await withCommandStats(redis, { events: first.runs, measure: timeWarm })
    : await timeWarm();
  return { coldP50Ms: percentile(cold, 0.5), ...warm };
}

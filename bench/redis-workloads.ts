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

/**
 * Time to first event: `runs` one-event streams one after another, each from its `POST`
 * being sent to its `output` frame parsed. Returns `p50Ms` and `p99Ms`.
 *
 * @example
 * await measureFirstEvents(context, 200);
 */
export async function measureFirstEvents(
  { server, agent }: MeasureContext,
  runs: number,
): Promise<Metrics> {
  const input = { events: 1, bytes: 100, interval_ms: 0, idle: false };
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) {
    const stream = { url: server.streamUrl, input, agent, timeoutMs: FIRST_EVENT_TIMEOUT_MS };
    timings.push((await timeFirstEvent(stream)).firstEventMs);
  }
  return { p50Ms: percentile(timings, 0.5), p99Ms: percentile(timings, 0.99) };
}

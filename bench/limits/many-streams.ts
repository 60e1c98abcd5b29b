import { openStream } from '../client.js';
import { maximum, percentile } from '../statistics.js';
import type { MeasureContext, Metrics } from '../scenarios/scenario.js';
import type { ThroughputWorkload } from '../scenarios/throughput.js';

/**
 * Many streams at once, back to back, with each event's emit-to-parse latency: returns
 * `eventsPerSecond`, `worstStreamP99Ms` (the largest of the streams' own p99) and `p99Ms`
 * over all events. Fails if a stream misses events.
 *
 * @example
 * await measureManyStreams(context, { streams: 1000, events: 200, bytes: 100, timeoutMs: 120_000 });
 */
export async function measureManyStreams(
  { server, agent }: MeasureContext,
  workload: ThroughputWorkload,
): Promise<Metrics> {
  const clockOffsetMs = await server.clockOffset();
  const input = { events: workload.events, bytes: workload.bytes, interval_ms: 0, idle: false };
  const startedAt = performance.now();
  const reports = await Promise.all(
    Array.from(
      { length: workload.streams },
      () =>
        openStream({
          url: server.streamUrl,
          input,
          agent,
          timeoutMs: workload.timeoutMs,
          clockOffsetMs,
        }).finished,
    ),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  const streamP99s: number[] = [];
  const all: number[] = [];
  for (const report of reports) {
    if (report.outputEvents !== workload.events) {
      const terminal = report.terminalType ?? 'none';
      const delivered = `${report.outputEvents}/${workload.events}`;
      throw new Error(`${server.kind}: a stream delivered ${delivered} (terminal: ${terminal})`);
    }
    streamP99s.push(percentile(report.latenciesMs, 0.99));
    all.push(...report.latenciesMs);
  }
  return {
    eventsPerSecond: (workload.streams * workload.events) / seconds,
    worstStreamP99Ms: maximum(streamP99s),
    p99Ms: percentile(all, 0.99),
  };
}

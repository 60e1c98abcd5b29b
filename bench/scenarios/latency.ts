import { pause } from '../clock.js';
import { openStream, type StreamReport } from '../client.js';
import { maximum, percentile } from '../statistics.js';
import type { MeasureContext, Metrics } from './scenario.js';

/** A paced workload: `streams` streams, one event every `intervalMs`, for about `durationMs`. */
export interface LatencyWorkload {
  readonly streams: number;
  readonly intervalMs: number;
  readonly durationMs: number;
  readonly bytes: number;
}

const GRACE_MS = 30_000;

/**
 * Measures emit-to-parse latency (server emit time `t`, moved onto the client's clock, to the
 * moment the client parsed the frame). Streams start spread evenly over one interval, as
 * independent clients would. Returns `p50Ms`, `p99Ms` and `maxMs` over all events.
 *
 * @example
 * await measureLatency(context, { streams: 50, intervalMs: 50, durationMs: 10_000, bytes: 100 });
 */
export async function measureLatency(
  { server, agent }: MeasureContext,
  workload: LatencyWorkload,
): Promise<Metrics> {
  const clockOffsetMs = await server.clockOffset();
  const events = Math.max(1, Math.round(workload.durationMs / workload.intervalMs));
  const input = { events, bytes: workload.bytes, interval_ms: workload.intervalMs, idle: false };
  const timeoutMs = workload.durationMs + workload.intervalMs + GRACE_MS;
  const running: Promise<StreamReport>[] = [];
  for (let index = 0; index < workload.streams; index++) {
    running.push(
      openStream({ url: server.streamUrl, input, agent, timeoutMs, clockOffsetMs }).finished,
    );
    await pause(workload.intervalMs / workload.streams);
  }
  const latencies: number[] = [];
  for (const report of await Promise.all(running)) {
    if (report.outputEvents !== events) {
      throw new Error(`${server.kind}: a paced stream delivered ${report.outputEvents}/${events}`);
    }
    latencies.push(...report.latenciesMs);
  }
  return {
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: maximum(latencies),
    clockOffsetMs,
  };
}

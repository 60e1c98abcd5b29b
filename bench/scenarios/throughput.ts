import { openStream } from '../client.js';
import type { FirehoseInput } from '../payload.js';
import type { BenchDialect } from '../sse-frame-reader.js';
import type { MeasureContext, Metrics } from './scenario.js';

/** A throughput workload: `streams` concurrent streams of `events` events of `bytes` each. */
export interface ThroughputWorkload {
  readonly streams: number;
  readonly events: number;
  readonly bytes: number;
  readonly timeoutMs: number;
  /** Streams in this wire dialect instead of sluice's own frames. */
  readonly dialect?: BenchDialect;
}

/**
 * Runs the streams at once, from the first request to the last response's end, and checks
 * that every stream delivered all its events (and, if it sent one, a `result` terminal).
 * Returns `eventsPerSecond`, `megabytesPerSecond` (body bytes, 10^6) and `seconds`.
 *
 * @example
 * await measureThroughput(context, { streams: 1, events: 200_000, bytes: 100, timeoutMs: 120_000 });
 */
export async function measureThroughput(
  { server, agent }: MeasureContext,
  workload: ThroughputWorkload,
): Promise<Metrics> {
  const input: FirehoseInput = {
    events: workload.events,
    bytes: workload.bytes,
    interval_ms: 0,
    idle: false,
  };
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
          dialect: workload.dialect,
        }).finished,
    ),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  let events = 0;
  let bytes = 0;
  for (const report of reports) {
    if (report.outputEvents !== workload.events || report.terminalType === 'error') {
      throw new Error(
        `${server.kind}: a stream delivered ${report.outputEvents}/${workload.events} events` +
          ` (terminal: ${report.terminalType ?? 'none'})`,
      );
    }
    events += report.outputEvents;
    bytes += report.bodyBytes;
  }
  return { eventsPerSecond: events / seconds, megabytesPerSecond: bytes / 1e6 / seconds, seconds };
}

import { createBenchAgent, openStream } from '../client.js';
import type { ServerHandle } from '../server-process.js';
import { measureLatency } from './latency.js';
import { measureThroughput } from './throughput.js';

const WARM_UP_TIMEOUT_MS = 60_000;
const IDLE_STREAMS = 20;

async function openAndCloseIdleStreams(
  server: ServerHandle,
  agent: ReturnType<typeof createBenchAgent>,
) {
  const input = { events: 0, bytes: 100, interval_ms: 0, idle: true };
  const streams = Array.from({ length: IDLE_STREAMS }, () =>
    openStream({ url: server.streamUrl, input, agent, timeoutMs: WARM_UP_TIMEOUT_MS }),
  );
  await Promise.all(streams.map((stream) => stream.firstByte));
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.finished));
}

/**
 * Runs every code path once or a few thousand times (small and large events, many streams,
 * paced and idle streams) so the measurement that follows meets optimised code. Uses its own agent.
 *
 * @example
 * await warmUp(server);
 */
export async function warmUp(server: ServerHandle): Promise<void> {
  const agent = createBenchAgent();
  try {
    const context = { server, agent };
    const timeoutMs = WARM_UP_TIMEOUT_MS;
    await measureThroughput(context, { streams: 10, events: 2_000, bytes: 100, timeoutMs });
    await measureThroughput(context, { streams: 2, events: 20, bytes: 100_000, timeoutMs });
    await measureLatency(context, { streams: 10, intervalMs: 5, durationMs: 200, bytes: 100 });
    await openAndCloseIdleStreams(server, agent);
  } finally {
    agent.destroy();
  }
}

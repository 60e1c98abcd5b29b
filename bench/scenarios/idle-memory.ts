import { pause } from '../clock.js';
import { openStream, type OpenStream } from '../client.js';
import { forEachLimited } from '../concurrency.js';
import type { ServerHandle } from '../server-process.js';
import type { MeasureContext, Metrics } from './scenario.js';

/** How many idle streams to hold open. */
export interface IdleWorkload {
  readonly streams: number;
  readonly timeoutMs: number;
}

/** Connections being set up at once (the listen backlog is 511). */
const OPENING_AT_ONCE = 200;
const SETTLE_MS = 500;
const CLOSE_POLL_MS = 100;
const CLOSE_WAIT_MS = 15_000;
const IDLE_INPUT = { events: 0, bytes: 100, interval_ms: 0, idle: true };

async function waitForSockets(server: ServerHandle, atMost: number): Promise<void> {
  const deadline = performance.now() + CLOSE_WAIT_MS;
  while (performance.now() < deadline && (await server.sockets()) > atMost) {
    await pause(CLOSE_POLL_MS);
  }
}

/**
 * Holds `streams` idle streams open and measures the server's memory per stream: the
 * difference of `memoryUsage()` (after two full GCs) once every stream has its response
 * headers, against before, divided by the count. Returns `heapKbPerStream`, `rssKbPerStream`
 * and `externalKbPerStream` (KiB), with whatever `whileHeld` measures while every stream is open.
 *
 * @example
 * await measureIdleMemory(context, { streams: 5000, timeoutMs: 120_000 });
 */
export async function measureIdleMemory(
  { server, agent }: MeasureContext,
  workload: IdleWorkload,
  whileHeld: () => Promise<Metrics> = () => Promise.resolve({}),
): Promise<Metrics> {
  await pause(SETTLE_MS); // let the warm-up's sockets finish closing
  const socketsBefore = await server.sockets();
  const before = await server.memory();
  const streams: OpenStream[] = [];
  try {
    await forEachLimited(workload.streams, OPENING_AT_ONCE, async () => {
      const stream = openStream({
        url: server.streamUrl,
        input: IDLE_INPUT,
        agent,
        timeoutMs: workload.timeoutMs,
      });
      streams.push(stream);
      await stream.firstByte;
    });
    await pause(SETTLE_MS);
    const opened = (await server.sockets()) - socketsBefore;
    // In Redis mode the count includes the gateway's Redis connections, which may reconnect.
    if (opened < workload.streams * 0.99)
      throw new Error(`${server.kind}: only ${opened} sockets open`);
    const held = await whileHeld();
    const after = await server.memory();
    const perStream = (bytes: number) => bytes / workload.streams / 1024;
    return {
      ...held,
      heapKbPerStream: perStream(after.heapUsed - before.heapUsed),
      rssKbPerStream: perStream(after.rss - before.rss),
      externalKbPerStream: perStream(after.external - before.external),
    };
  } finally {
    for (const stream of streams) stream.close();
    await Promise.allSettled(streams.map((stream) => stream.finished));
    await waitForSockets(server, socketsBefore);
  }
}

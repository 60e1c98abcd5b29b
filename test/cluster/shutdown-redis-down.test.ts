import { describe, expect, it } from 'vitest';
import { HAND_OVER_MS } from '../../src/cli/stop-on-signals.js';
import { startCluster, type ClusterProcess } from '../support/cluster.js';
import { startRedisServer } from '../support/redis-server.js';
import { readEvents, send } from '../support/sse-client.js';

const DEADLINE_MS = 2_000;
/** Exit comes after the deadline and the hand-over allowance; this covers the signal's trip and logging. */
const MARGIN_MS = 1_500;
const DEADLINE_FLAGS = ['--shutdown-deadline-ms', String(DEADLINE_MS)];
const HANDED_OVER = /could not be handed over/g;

/** SIGTERM; resolves with the ms until it exited. */
async function stopTimed(member: ClusterProcess): Promise<number> {
  const started = Date.now();
  await member.stop();
  return Date.now() - started;
}

/** Opens a stream of a long run; resolves once the worker started it (its first event). */
async function runningStream(url: string, body: string) {
  const exchange = await send(`${url}/cluster/count/stream`, { method: 'POST', body });
  let started: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (started = resolve));
  const ended = readEvents(exchange, () => started()).catch(() => []);
  await Promise.race([first, ended]);
  return { ended };
}

function linesMatching(output: string, pattern: RegExp): number {
  return output.match(pattern)?.length ?? 0;
}

describe('shutdown while Redis is down', () => {
  it('a gateway with accepted requests and a busy worker exit by their deadline, counting what they could not hand over', async () => {
    await using redis = await startRedisServer();
    await using cluster = await startCluster({
      redisUrl: redis.url,
      prefix: 'sluice-shutdown:',
      gateways: 1,
      workers: 1,
      gatewayArgs: DEADLINE_FLAGS,
      workerArgs: DEADLINE_FLAGS,
    });
    const [gateway, worker] = [cluster.gateways[0]!, cluster.workers[0]!];
    const body = JSON.stringify({ count: 1_000, interval_ms: 1_000 });
    const pending = await Promise.all(
      Array.from({ length: 3 }, () => runningStream(gateway.url, body)),
    );
    await redis.stop();
    // Accepted while Redis is away: their enqueue waits for it.
    const stranded = Array.from({ length: 2 }, () =>
      send(`${gateway.url}/cluster/count`, { method: 'POST', body }).catch(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // reconnects begin failing
    const [gatewayMs, workerMs] = await Promise.all([stopTimed(gateway), stopTimed(worker)]);
    await Promise.all([...pending.map((stream) => stream.ended), ...stranded]);
    const report = cluster.report();
    expect(gatewayMs, report).toBeLessThan(DEADLINE_MS + HAND_OVER_MS + MARGIN_MS);
    expect(workerMs, report).toBeLessThan(DEADLINE_MS + HAND_OVER_MS + MARGIN_MS);
    expect(linesMatching(gateway.output(), HANDED_OVER), report).toBe(1);
    expect(gateway.output()).toContain('2 request(s) accepted here could not be handed over');
    expect(linesMatching(worker.output(), HANDED_OVER), report).toBe(1);
    // Its runs may have been fenced already (their locks could not be renewed): 0 to 3 remain.
    expect(worker.output()).toMatch(/[0-3] running request\(s\) could not be handed over/);
    for (const member of [gateway, worker])
      expect(linesMatching(member.output(), /ECONNREFUSED/g), report).toBeLessThan(6);
    await redis.restart(); // for the cluster's clean-up
  }, 60_000);

  it('an idle worker and gateway exit by their deadline', async () => {
    await using redis = await startRedisServer();
    await using cluster = await startCluster({
      redisUrl: redis.url,
      prefix: 'sluice-shutdown-idle:',
      gateways: 1,
      workers: 1,
      gatewayArgs: DEADLINE_FLAGS,
      workerArgs: DEADLINE_FLAGS,
    });
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [gatewayMs, workerMs] = await Promise.all(
      [cluster.gateways[0]!, cluster.workers[0]!].map(stopTimed),
    );
    expect(gatewayMs, cluster.report()).toBeLessThan(DEADLINE_MS + HAND_OVER_MS + MARGIN_MS);
    expect(workerMs, cluster.report()).toBeLessThan(DEADLINE_MS + HAND_OVER_MS + MARGIN_MS);
    await redis.restart(); // for the cluster's clean-up
  }, 60_000);
});

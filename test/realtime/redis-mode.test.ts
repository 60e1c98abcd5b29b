import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '../../src/client/create-client.js';
import type { WebSocketConstructor } from '../../src/client/realtime-types.js';
import { startCluster } from '../support/cluster.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { startFailoverProxy } from './failover-proxy.js';
import { isResult, openProbe } from './realtime-support.js';

describe('realtime through pure Redis gateways to remote workers', { timeout: 90_000 }, () => {
  it('runs each input on a remote worker, and a client whose gateway dies carries on through another', async () => {
    await using cluster = await startCluster({ redisUrl: redisUrl(), prefix: uniquePrefix() });
    const [first, second] = cluster.gateways;

    // Frame by frame through the second gateway: the worker's pid comes back as an event.
    {
      await using probe = await openProbe(`${second!.url}/cluster/count/realtime?events=1`);
      probe.sendJson({ count: 2, interval_ms: 1 });
      const result = await probe.next(isResult, 20_000);
      expect(result).toMatchObject({ count: 2 });
      const pid = probe.messages.find((message) => message.event === 'output')?.data;
      expect(pid).toHaveProperty('pid');
      expect(cluster.workerByPid((pid as { pid: number }).pid)).toBeDefined();
    }

    await using front = await startFailoverProxy(() =>
      cluster.gateways.map((gateway) => gateway.url),
    );
    const client = createClient({
      baseUrl: front.url,
      retry: { initialDelayMs: 50, attempts: 10 },
    });
    const results: unknown[] = [];
    const connection = client.realtime('cluster/count', {
      webSocket: WebSocket as unknown as WebSocketConstructor,
      onResult: (output) => results.push(output),
    });
    const until = async (count: number) => {
      for (let wait = 0; results.length < count && wait < 2_000; wait++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(results).toHaveLength(count);
    };
    connection.send({ count: 1, interval_ms: 1 });
    await until(1);
    // A long input in flight on the first gateway, which is killed: the client reconnects
    // through the second and reattaches to the request (in Redis, so the second knows it).
    connection.send({ count: 20, interval_ms: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first!.kill();
    await until(2);
    expect(results[1]).toEqual({ count: 20 });
    connection.close();
  });
});

import { describe, expect, it } from 'vitest';
import { startCluster } from '../../support/cluster.js';
import { redisUrl, uniquePrefix } from '../../support/redis.js';

const METRICS_URL = /sluice worker metrics at (http:\/\/\S+)/;

describe('sluice worker --metrics-port, for an external autoscaler', () => {
  it('serves the shared queue’s per-app depth and oldest wait', async () => {
    await using cluster = await startCluster({
      redisUrl: redisUrl(),
      prefix: uniquePrefix(),
      gateways: 1,
      workers: 1,
      workerArgs: ['--metrics-port', '0'],
    });
    const metricsUrl = METRICS_URL.exec(cluster.workers[0]!.output())?.[1];
    expect(metricsUrl).toBeDefined();
    const text = await (await fetch(metricsUrl!)).text();
    expect(text).toContain('sluice_queue_waiting{app="cluster/count"} 0');
    expect(text).toContain('sluice_queue_oldest_wait_seconds{app="cluster/count"} 0');
    const gatewayText = await (await fetch(`${cluster.gateways[0]!.url}/metrics`)).text();
    expect(gatewayText).toContain('sluice_queue_waiting{app="cluster/count"} 0');
  });
});

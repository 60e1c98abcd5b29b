import { describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { until } from '../support/sse-client.js';

const METRICS_URL = /sluice worker metrics at (http:\/\/\S+)/;

function sample(text: string, line: RegExp): number {
  const match = line.exec(text);
  return match ? Number(match[1]) : 0;
}

describe('sluice worker --metrics-port', () => {
  it('serves the same registry for the runs this worker ran', async () => {
    await using cluster = await startCluster({
      redisUrl: redisUrl(),
      prefix: uniquePrefix(),
      gateways: 1,
      workers: 1,
      workerArgs: ['--metrics-port', '0'],
    });
    const [gateway] = cluster.gateways;
    const [worker] = cluster.workers;
    const metricsUrl = METRICS_URL.exec(worker!.output())?.[1];
    expect(metricsUrl).toBeDefined();
    for (let call = 0; call < 3; call++) {
      const response = await fetch(`${gateway!.url}/cluster/count`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: 2, interval_ms: 1 }),
      });
      expect(response.status).toBe(200);
    }
    let text = '';
    const ran =
      /sluice_requests_total\{app="cluster\/count",endpoint="\/",view="sync",outcome="ok"\} (\d+)/;
    await until(async () => {
      text = await (await fetch(metricsUrl!)).text();
      return sample(text, ran) === 3;
    }, 10_000);
    expect(sample(text, /sluice_queue_wait_seconds_count\{app="cluster\/count"[^}]*\} (\d+)/)).toBe(
      3,
    );
    expect(
      sample(text, /sluice_run_duration_seconds_count\{app="cluster\/count"[^}]*\} (\d+)/),
    ).toBe(3);
    expect(
      sample(text, /sluice_time_to_first_event_seconds_count\{app="cluster\/count"[^}]*\} (\d+)/),
    ).toBe(3);
    expect(text).toContain('sluice_worker_runs 0');
    const missing = await fetch(metricsUrl!.replace('/metrics', '/other'));
    expect(missing.status).toBe(404);
  });
});

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

describe('sluice worker --metrics-port, for the sync path', () => {
  it('counts the prepare steps and the batches of the runs this worker ran', async () => {
    await using cluster = await startCluster({
      redisUrl: redisUrl(),
      prefix: uniquePrefix(),
      gateways: 1,
      workers: 1,
      appFiles: ['test/sync-path/fixtures/metered-app.ts'],
      workerArgs: ['--metrics-port', '0'],
    });
    const [gateway] = cluster.gateways;
    const metricsUrl = METRICS_URL.exec(cluster.workers[0]!.output())?.[1];
    expect(metricsUrl).toBeDefined();
    const calls = Array.from({ length: 8 }, async (_, n) => {
      const response = await fetch(`${gateway!.url}/test/metered`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { prepared: { doubled: number }; size: number };
    });
    const answers = await Promise.all(calls);
    expect(answers.map((answer) => answer.prepared.doubled)).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    const batched = answers.reduce((total, answer) => total + (answer.size > 0 ? 1 : 0), 0);
    expect(batched).toBe(8);
    const labels = '\\{app="test/metered",endpoint="/",view="sync"\\}';
    let text = '';
    await until(async () => {
      text = await (await fetch(metricsUrl!)).text();
      return (
        sample(text, new RegExp(`sluice_prepare_duration_seconds_count${labels} (\\d+)`)) === 8
      );
    }, 10_000);
    const batchCount = sample(text, new RegExp(`sluice_batch_size_count${labels} (\\d+)`));
    const batchSum = sample(text, new RegExp(`sluice_batch_size_sum${labels} (\\d+)`));
    expect(batchSum).toBe(8); // every request counted in exactly one batch
    expect(batchCount).toBeGreaterThanOrEqual(1);
    expect(batchCount).toBeLessThanOrEqual(8);
    expect(text).toContain('sluice_state_switches_total 0');
  }, 60_000);
});

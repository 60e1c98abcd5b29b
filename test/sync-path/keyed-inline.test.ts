import { describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster.js';
import { startGateway } from '../support/gateway.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { keyedInlineApp } from './fixtures/keyed-inline-app.js';
import { metricLines } from './http.js';
import { sendRandomKeys } from './keyed-random.js';

const KEYS = ['a', 'b', 'c', 'd'];
const METRICS_URL = /sluice worker metrics at (http:\/\/\S+)/;

function switchesIn(lines: readonly string[]): number {
  return Number(lines[0]?.split(' ')[1]);
}

describe('keyed state in one process', () => {
  it('inline: no run ever sees another key’s state over 500 random requests with 4 keys; switches are counted', async () => {
    await using gateway = await startGateway({ apps: [keyedInlineApp] });
    const url = `${gateway.url}/test/keyed-inline`;
    await sendRandomKeys(url, { keys: KEYS, requests: 500, inFlight: 32 });
    const switches = switchesIn(await metricLines(gateway.url, 'sluice_state_switches_total'));
    expect(switches).toBeGreaterThan(0); // 4 keys in one process must switch
    expect(switches).toBeLessThan(500);
    console.log(`keyed state inline: ${switches} switches over 500 requests`);
  });

  it('on Redis workers: the same over 500 requests on 2 worker processes, switches in each worker’s /metrics', async () => {
    await using cluster = await startCluster({
      redisUrl: redisUrl(),
      prefix: uniquePrefix(),
      gateways: 1,
      workers: 2,
      appFiles: ['test/sync-path/fixtures/keyed-inline-app.ts'],
      workerArgs: ['--metrics-port', '0'],
    });
    const url = `${cluster.gateways[0]!.url}/test/keyed-inline`;
    const results = await sendRandomKeys(url, { keys: KEYS, requests: 500, inFlight: 32 });
    const pids = new Set(results.map((result) => result.pid));
    expect(pids.size).toBeGreaterThanOrEqual(1);
    let switches = 0;
    for (const worker of cluster.workers) {
      const metricsUrl = METRICS_URL.exec(worker.output())?.[1];
      expect(metricsUrl).toBeDefined();
      const text = await (await fetch(metricsUrl!)).text();
      const lines = text
        .split('\n')
        .filter((line) => line.startsWith('sluice_state_switches_total'));
      switches += switchesIn(lines);
    }
    expect(switches).toBeGreaterThan(0);
    expect(switches).toBeLessThan(500);
    console.log(
      `keyed state on 2 Redis workers: ${switches} switches over 500 requests (${pids.size} workers ran)`,
    );
  }, 180_000);
});

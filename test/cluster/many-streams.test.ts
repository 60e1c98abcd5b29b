import { describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { range, seqsOf, startStream } from './cluster-streams.js';

const STREAMS = 200;

describe('many concurrent streams over two gateways and two workers', () => {
  it(`${STREAMS} streams, alternating gateways, all complete in order without gaps or duplicates`, async () => {
    await using cluster = await startCluster({ redisUrl: redisUrl(), prefix: uniquePrefix() });
    const input = { count: 10, interval_ms: 5 };
    const streams = await Promise.all(
      range(0, STREAMS - 1).map(async (index) => {
        const gateway = cluster.gateways[index % 2]!;
        const { reader } = await startStream(gateway.url, 'cluster/count', input);
        await reader.ended;
        return reader.events;
      }),
    );
    const pids = new Set<unknown>();
    for (const events of streams) {
      expect(seqsOf(events)).toEqual(range(1, 12));
      pids.add(events[0]?.data.pid);
      expect(events.slice(1, -1).map((event) => event.data.n)).toEqual(range(1, 10));
      expect(events.at(-1)).toMatchObject({ type: 'result', data: { count: 10 } });
    }
    // Both workers took part.
    expect([...pids].sort()).toEqual(cluster.workers.map((worker) => worker.pid).sort());
  });
});

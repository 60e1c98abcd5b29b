import { describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { range, resumeToEnd, seqsOf, startStream } from './cluster-streams.js';

describe('a gateway process killed under a streaming client (SIGKILL)', () => {
  it('the client resumes through the other gateway: no gap, no duplicate, then the result', async () => {
    await using cluster = await startCluster({ redisUrl: redisUrl(), prefix: uniquePrefix() });
    const [first, second] = cluster.gateways;
    const input = { count: 100, interval_ms: 20 };
    const { requestId, reader } = await startStream(first!.url, 'cluster/count', input);
    await reader.waitFor((events) => events.length >= 5);
    await first!.kill();
    await reader.ended;
    const seen = reader.events;
    // Cut off mid-run (the run lasts two seconds): the rest comes through the other gateway.
    expect(seen.at(-1)?.type).toBe('output');
    const target = { appId: 'cluster/count', requestId, gatewayUrls: () => [second!.url] };
    const events = await resumeToEnd(target, seen);
    expect(seqsOf(events)).toEqual(range(1, 102));
    expect(events[0]?.data).toHaveProperty('pid');
    expect(events.slice(1, -1).map((event) => event.data.n)).toEqual(range(1, 100));
    expect(events.at(-1)).toMatchObject({ type: 'result', data: { count: 100 } });
    // The killed gateway, started again, serves the whole log too.
    await first!.restart();
    const again = await resumeToEnd({ ...target, gatewayUrls: () => [first!.url] });
    expect(again).toEqual(events);
  });
});

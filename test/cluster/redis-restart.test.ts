import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster.js';
import { uniquePrefix } from '../support/redis.js';
import { startRedisServer } from '../support/redis-server.js';
import {
  describeEvents,
  endsWithTerminal,
  range,
  resumeToEnd,
  seqsOf,
  startStream,
  type StreamEvent,
} from './cluster-streams.js';

function expectWholeCount(events: readonly StreamEvent[], count: number): void {
  expect(seqsOf(events)).toEqual(range(1, count + 2));
  expect(events[0]?.data).toHaveProperty('pid');
  expect(events.slice(1, -1).map((event) => event.data.n)).toEqual(range(1, count));
  expect(events.at(-1)).toMatchObject({ type: 'result', data: { count } });
}

describe('Redis restarted (SIGKILL, then started again) mid-stream', () => {
  it('clients resuming through either gateway see every event once, in order, then the result', async () => {
    await using redis = await startRedisServer({ persistent: true });
    // Locks outlast the outage and the reconnects after it (BullMQ's connections wait at
    // least 1 s between attempts), so the running request keeps its worker. One run per
    // worker at a time: new requests after the restart need both workers.
    await using cluster = await startCluster({
      redisUrl: redis.url,
      prefix: uniquePrefix(),
      workerArgs: ['--lock-ms', '5000', '--max-concurrency', '1'],
    });
    const urls = () => cluster.gateways.map((gateway) => gateway.url);
    const input = { count: 80, interval_ms: 25 };
    const { requestId, reader } = await startStream(urls()[0]!, 'cluster/count', input);
    await reader.waitFor((events) => events.length >= 5);
    await redis.stop();
    await sleep(500); // the outage itself: nothing to wait for
    await redis.restart();
    // One client keeps its stream (and resumes through the other gateway if it was cut);
    // another comes back after seq 3 through the second gateway.
    const target = { appId: 'cluster/count', requestId, gatewayUrls: urls };
    // The kept stream goes on to its end or is cut; it never hangs.
    const kept = Promise.race([reader.ended, reader.waitFor(endsWithTerminal, 15_000)]).then(() =>
      resumeToEnd({ ...target, firstGateway: 1 }, reader.events),
    );
    const returning = resumeToEnd({ ...target, firstGateway: 1 }, reader.events.slice(0, 3));
    expectWholeCount(await kept, 80);
    expectWholeCount(await returning, 80);
    // Both gateways serve new requests after the restart, and both workers take them.
    const again = await Promise.all(
      range(0, 3).map(async (index) => {
        const url = urls()[index % 2]!;
        const { reader: fresh } = await startStream(url, 'cluster/count', {
          count: 3,
          interval_ms: 100,
        });
        await fresh.ended;
        return fresh.events;
      }),
    );
    for (const events of again) expectWholeCount(events, 3);
    const pids = new Set(again.map((events) => events[0]?.data.pid));
    expect([...pids].sort()).toEqual(cluster.workers.map((worker) => worker.pid).sort());
  });

  it('a run whose lock lapsed while Redis was away is retried alone: the lost attempt writes no more', async () => {
    await using redis = await startRedisServer({ persistent: true });
    await using cluster = await startCluster({ redisUrl: redis.url, prefix: uniquePrefix() });
    const urls = () => cluster.gateways.map((gateway) => gateway.url);
    // The run outlasts the outage by far: the lost attempt is still going when Redis is back.
    const input = { count: 200, interval_ms: 20 };
    const { requestId, reader } = await startStream(urls()[0]!, 'cluster/count-retried', input);
    await reader.waitFor((events) => events.length >= 5);
    await redis.stop();
    await sleep(1_500); // longer than the 1 s lock: the run is lost to the cluster
    await redis.restart();
    await reader.ended;
    const target = { appId: 'cluster/count-retried', requestId, gatewayUrls: urls };
    const events = await resumeToEnd({ ...target, firstGateway: 1 }, reader.events);
    const story = `${describeEvents(events)}\n${cluster.report()}`;
    expect(seqsOf(events), story).toEqual(range(1, events.length));
    const notice = events.findIndex((event) => event.type === 'log');
    // Every event of the lost attempt written before it was lost stays, in order.
    expect(notice, story).toBeGreaterThanOrEqual(5);
    const lostAttempt = events.slice(1, notice).map((event) => event.data.n);
    expect(lostAttempt, story).toEqual(range(1, notice - 1));
    const retried = events.slice(notice + 1);
    expect(retried[0]?.data, story).toHaveProperty('pid');
    expect(
      retried.slice(1, -1).map((event) => event.data.n),
      story,
    ).toEqual(range(1, 200));
    expect(retried.at(-1), story).toMatchObject({ type: 'result', data: { count: 200 } });
  });
});

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../support/cluster.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { readText, send, until } from '../support/sse-client.js';
import {
  endsWithTerminal,
  EventReader,
  range,
  resumeToEnd,
  seqsOf,
  startStream,
  type StreamEvent,
} from './cluster-streams.js';

/** Long enough that a run outlives any detection of its worker's death by far. */
const LONG_RUN = { count: 500, interval_ms: 20 };

async function statusOf(cluster: Cluster, appId: string, requestId: string) {
  const url = `${cluster.gateways[1]!.url}/queue/${appId}/requests/${requestId}/status`;
  const { response } = await send(url);
  return JSON.parse(await readText(response)) as { status: string; error_type?: string };
}

function pidOf(event: StreamEvent | undefined): number {
  const pid = event?.data.pid;
  if (typeof pid !== 'number') throw new Error(`No pid event: ${JSON.stringify(event)}`);
  return pid;
}

/** Kills the worker that reported running a request in its first event. */
async function killRunner(cluster: Cluster, events: readonly StreamEvent[]) {
  const pid = pidOf(events[0]);
  const worker = cluster.workerByPid(pid);
  if (!worker) throw new Error(`No worker has pid ${pid}`);
  await worker.kill();
  return pid;
}

/** The first event of a request, read through an attach that is then dropped. */
async function resumeFirstEvent(cluster: Cluster, requestId: string): Promise<StreamEvent[]> {
  const url = `${cluster.gateways[1]!.url}/cluster/count/requests/${requestId}/stream`;
  const { response } = await send(url);
  const reader = new EventReader(response);
  await reader.waitFor((events) => events.length >= 1);
  reader.close();
  return reader.events;
}

describe('a worker process killed mid-run (SIGKILL)', () => {
  it('ends its request with worker_lost, on the stream and in the queue status', async () => {
    await using cluster = await startCluster({ redisUrl: redisUrl(), prefix: uniquePrefix() });
    const { requestId, reader } = await startStream(
      cluster.gateways[0]!.url,
      'cluster/count',
      LONG_RUN,
    );
    await reader.waitFor((events) => events.length >= 3);
    await killRunner(cluster, reader.events);
    // A dead worker's run never ends by itself: the stream must end, with worker_lost, by
    // the lock and stall checks (1 s and 0.5 s here), well within this bound.
    await reader.waitFor(endsWithTerminal, 10_000);
    const events = reader.events;
    expect(seqsOf(events)).toEqual(range(1, events.length));
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      data: { code: 'worker_lost', retryable: true },
    });
    expect(events.slice(1, -1).map((event) => event.data.n)).toEqual(range(1, events.length - 2));
    const status = await statusOf(cluster, 'cluster/count', requestId);
    expect(status).toMatchObject({ status: 'COMPLETED', error_type: 'worker_lost' });
  });

  it('with retries: 1, starts the request again on the other worker: every event kept, in order', async () => {
    await using cluster = await startCluster({ redisUrl: redisUrl(), prefix: uniquePrefix() });
    const input = { count: 40, interval_ms: 20 };
    const { requestId, reader } = await startStream(
      cluster.gateways[0]!.url,
      'cluster/count-retried',
      input,
    );
    await reader.waitFor((events) => events.length >= 4);
    const killedPid = await killRunner(cluster, reader.events);
    await reader.waitFor(endsWithTerminal, 15_000);
    const events = reader.events;
    expect(seqsOf(events)).toEqual(range(1, events.length));
    const notice = events.findIndex((event) => event.type === 'log');
    expect(events[notice]?.data.level).toBe('warn');
    expect(String(events[notice]?.data.message)).toContain('starting again (attempt 2 of 2)');
    expect(events[notice]?.data.attempt).toBe(2); // what the OpenAI view reads
    const before = events.slice(1, notice).map((event) => event.data.n);
    expect(before).toEqual(range(1, before.length));
    expect(before.length).toBeGreaterThanOrEqual(3);
    const retriedPid = pidOf(events[notice + 1]);
    expect(retriedPid).not.toBe(killedPid);
    expect(cluster.workerByPid(retriedPid)).toBeDefined();
    const after = events.slice(notice + 2, -1).map((event) => event.data.n);
    expect(after).toEqual(range(1, 40));
    expect(events.at(-1)).toMatchObject({ type: 'result', data: { count: 40 } });
    // A client reading the whole log again, through the other gateway, sees the same.
    const target = {
      appId: 'cluster/count-retried',
      requestId,
      gatewayUrls: () => [cluster.gateways[1]!.url],
    };
    expect(await resumeToEnd(target)).toEqual(events);
  });

  it('leaves none of several queued and running requests hanging', async () => {
    await using cluster = await startCluster({
      redisUrl: redisUrl(),
      prefix: uniquePrefix(),
      workerArgs: ['--max-concurrency', '2'],
    });
    const gateway = cluster.gateways[0]!.url;
    const submit = async () => {
      const { response } = await send(`${gateway}/queue/cluster/count`, {
        method: 'POST',
        body: JSON.stringify({ count: 50, interval_ms: 20 }),
      });
      return (JSON.parse(await readText(response)) as { request_id: string }).request_id;
    };
    const requestIds = await Promise.all(range(1, 6).map(submit));
    const statuses = () =>
      Promise.all(requestIds.map((id) => statusOf(cluster, 'cluster/count', id)));
    // Two run on each worker, two wait.
    await until(
      async () =>
        (await statuses()).filter((status) => status.status === 'IN_PROGRESS').length === 4,
      10_000,
    );
    const firstRunning = (await statuses()).findIndex((status) => status.status === 'IN_PROGRESS');
    const attached = await resumeFirstEvent(cluster, requestIds[firstRunning]!);
    const killedPid = await killRunner(cluster, attached);
    await until(
      async () => (await statuses()).every((status) => status.status === 'COMPLETED'),
      15_000,
    );
    const logs = await Promise.all(
      requestIds.map((requestId) =>
        resumeToEnd({ appId: 'cluster/count', requestId, gatewayUrls: () => [gateway] }),
      ),
    );
    // The killed worker held two runs; the two waiting ones ran on the other worker.
    const lost = logs.filter((events) => pidOf(events[0]) === killedPid);
    expect(lost).toHaveLength(2);
    for (const events of lost)
      expect(events.at(-1)).toMatchObject({ data: { code: 'worker_lost' } });
    for (const events of logs.filter((log) => !lost.includes(log)))
      expect(events.at(-1)).toMatchObject({ type: 'result', data: { count: 50 } });
  });
});

describe('a process killed while it ended a request (its state says ended, its log does not)', () => {
  it('the worker that takes the request ends it with worker_lost instead of running it or leaving it', async () => {
    const prefix = uniquePrefix();
    await using cluster = await startCluster({ redisUrl: redisUrl(), prefix, workers: 1 });
    const worker = cluster.workers[0]!;
    await worker.stop();
    const { response } = await send(`${cluster.gateways[0]!.url}/queue/cluster/count`, {
      method: 'POST',
      body: JSON.stringify({ count: 3, interval_ms: 10 }),
    });
    const { request_id: requestId } = JSON.parse(await readText(response)) as {
      request_id: string;
    };
    const redis = new Redis(redisUrl());
    try {
      await redis.hset(`${prefix}run:${requestId}`, 'state', 'ended');
    } finally {
      redis.disconnect();
    }
    await worker.restart();
    await until(async () => {
      const status = await statusOf(cluster, 'cluster/count', requestId);
      return status.status === 'COMPLETED' && status.error_type !== undefined;
    });
    const status = await statusOf(cluster, 'cluster/count', requestId);
    expect(status).toMatchObject({ status: 'COMPLETED', error_type: 'worker_lost' });
  });
});

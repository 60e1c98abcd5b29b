import { createServer, connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startGateway, startRedisGateway, startTestWorker } from '../support/gateway.js';
import { startRedisServer } from '../support/redis-server.js';
import { readEvents, send, until, type ParsedEvent } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';
import { QueueClient } from '../queue/queue-client.js';
import {
  gateApp,
  gateLog,
  openGateApp,
  releaseGate,
  resetGateLog,
  uniqueKey,
} from '../fixtures/queue-apps.js';

const MANY_STREAMS = 100;

const PROBE_NAME = 'connection-count-probe';

/** Clients connected to the Redis at `url`, not counting the probes that ask (this one or earlier). */
async function clientsOf(url: string): Promise<number> {
  const probe = new Redis(url, { maxRetriesPerRequest: 1, connectionName: PROBE_NAME });
  try {
    const list = (await probe.client('LIST')) as string;
    const clients = list.split('\n').filter((line) => line.trim() !== '');
    return clients.filter((line) => !line.includes(` name=${PROBE_NAME} `)).length;
  } finally {
    probe.disconnect();
  }
}

/** An open stream of a gate run: resolves once the run's first event (its log) arrived, or it ended. */
async function openStream(url: string, key: string) {
  const exchange = await send(`${url}/qtest/open-gate/stream`, {
    method: 'POST',
    body: JSON.stringify({ key }),
  });
  let first: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (first = resolve));
  const events = readEvents(exchange, (event: ParsedEvent) => {
    if (event.event === 'log') first();
  });
  await Promise.race([started, events]);
  return { exchange, events };
}

/**
 * A TCP link to the Redis at `url` that delays every write towards Redis by `delayMs`
 * (in order): a worker far from Redis, whose steps are each a slow round trip apart.
 */
async function startSlowLink(url: string, delayMs: number) {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a Redis gateway', () => {
  it(`uses as many Redis connections with ${MANY_STREAMS} open streams as with one`, async () => {
    // A Redis of its own, so that other test files' clients do not count.
    await using redis = await startRedisServer();
    resetGateLog();
    await using gateway = await startRedisGateway({
      apps: [openGateApp],
      redis: { url: redis.url },
    });
    const keys = Array.from({ length: MANY_STREAMS }, () => uniqueKey('held'));
    try {
      const streams = [await openStream(gateway.url, keys[0]!)];
      const withOne = await clientsOf(redis.url);
      streams.push(
        ...(await Promise.all(keys.slice(1).map((key) => openStream(gateway.url, key)))),
      );
      expect(gateLog.started).toHaveLength(MANY_STREAMS);
      const withMany = await clientsOf(redis.url);
      expect(withMany).toBe(withOne);
      for (const key of keys) releaseGate(key);
      const ends = await Promise.all(streams.map((stream) => stream.events));
      for (const events of ends) expect(events.at(-1)?.event).toBe('result');
    } finally {
      for (const key of keys) releaseGate(key);
    }
  });

  it('never reports COMPLETED before the run’s end time is known (a worker far from Redis)', async () => {
    await using gateway = await startRedisGateway({ apps: [] });
    // Each of the worker's steps a slow round trip apart: a status read between the terminal
    // event and the end time would find COMPLETED without inference_time.
    await using link = await startSlowLink(gateway.redis.url, 30);
    await using _worker = await startTestWorker({ ...gateway.redis, url: link.url }, [countApp]);
    await until(async () => {
      const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as {
        apps: Record<string, { state: string }>;
      };
      return ready.apps['test/count']?.state === 'ready';
    }, 10_000);
    const queue = new QueueClient(gateway.url, 'test/count');
    const requestId = await queue.submitId({ n: 1 });
    const done = await queue.waitFor(requestId, 'COMPLETED');
    expect(done.body.metrics).toEqual({ inference_time: expect.any(Number) as number });
  });

  it('another gateway of the deployment answers positions, status, cancel and results', async () => {
    resetGateLog();
    await using first = await startRedisGateway({ apps: [gateApp] });
    // The second gateway runs nothing and leaves the prefix to the first one to delete.
    await using second = await startGateway({ apps: [], redis: first.redis });
    await until(async () => {
      const { apps } = (await (await fetch(`${second.url}/apps`)).json()) as {
        apps: { id: string }[];
      };
      return apps.some((app) => app.id === 'qtest/gate');
    });
    const [viaFirst, viaSecond] = [first, second].map(
      (gateway) => new QueueClient(gateway.url, 'qtest/gate'),
    ) as [QueueClient, QueueClient];
    const [blocker, dropped, kept] = [
      uniqueKey('blocker'),
      uniqueKey('dropped'),
      uniqueKey('kept'),
    ];
    const running = await viaFirst.submitId({ key: blocker });
    await viaSecond.waitFor(running, 'IN_PROGRESS');
    const droppedId = await viaFirst.submitId({ key: dropped });
    const keptId = await viaFirst.submitId({ key: kept });
    expect((await viaSecond.status(keptId)).body).toMatchObject({
      status: 'IN_QUEUE',
      queue_position: 1,
    });
    expect((await viaSecond.cancel(droppedId)).status).toBe(202);
    expect((await viaFirst.status(droppedId)).body).toMatchObject({
      status: 'COMPLETED',
      error_type: 'cancelled',
    });
    expect((await viaSecond.status(keptId)).body).toMatchObject({ queue_position: 0 });
    releaseGate(blocker);
    releaseGate(kept);
    expect((await viaSecond.result(keptId)).body).toEqual({ key: kept });
    expect(gateLog.started).toEqual([blocker, kept]);
  });
});

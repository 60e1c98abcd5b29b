import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import {
  startGateway,
  startRedisGateway,
  startTestWorker,
  type TestGateway,
} from '../support/gateway.js';
import { redisUrl } from '../support/redis.js';
import { until } from '../support/sse-client.js';
import { QueueClient, type JsonAnswer } from '../queue/queue-client.js';

const BURST = 80;
const LIMITS = { concurrent: 2, queued: 3 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Holds every run until the test opens it. */
let opened: () => void = () => undefined;
let gate = new Promise<void>((resolve) => (opened = resolve));
afterEach(() => {
  opened();
  gate = new Promise<void>((resolve) => (opened = resolve));
});

/** Two at once, three waiting; each run waits for the gate (or its cancel). */
const burstApp = defineApp({
  id: 'qtest/burst',
  input: z.object({ n: z.number().int() }),
  limits: LIMITS,
  async run({ n }, ctx) {
    const aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    await Promise.race([gate, aborted]);
    ctx.signal.throwIfAborted();
    return { n };
  },
});

/** `BURST` submits sent at once, spread over the gateways; the answers in send order. */
function burst(gateways: readonly TestGateway[]): Promise<JsonAnswer[]> {
  const clients = gateways.map((gateway) => new QueueClient(gateway.url, burstApp.id));
  const sends = Array.from({ length: BURST }, (_, n) => clients[n % clients.length]!.submit({ n }));
  return Promise.all(sends);
}

/** The admitted requests' ids, after checking every other answer is a 429 with Retry-After. */
function admittedOf(answers: readonly JsonAnswer[]): string[] {
  const refused = answers.filter((answer) => answer.status !== 200);
  for (const answer of refused) {
    expect(answer.status).toBe(429);
    expect(answer.body.error_type).toBe('overloaded');
    expect(answer.headers.get('retry-after')).toBe('1');
  }
  return answers.filter((answer) => answer.status === 200).map((a) => String(a.body.request_id));
}

/** Requests refused with `overloaded`, as the gateways' `/metrics` count them. */
async function overloadedCounted(gateways: readonly TestGateway[]): Promise<number> {
  const texts = await Promise.all(
    gateways.map(async (gateway) => (await fetch(`${gateway.url}/metrics`)).text()),
  );
  const counted = /^sluice_requests_total\{[^}]*outcome="overloaded"[^}]*\} (\d+)$/gm;
  const counts = texts.flatMap((text) => [...text.matchAll(counted)].map(([, n]) => Number(n)));
  return counts.reduce((total, count) => total + count, 0);
}

/** Opens the gate and waits until every admitted request completed. */
async function completeAll(gateway: TestGateway, requestIds: readonly string[]): Promise<void> {
  opened();
  const queue = new QueueClient(gateway.url, burstApp.id);
  for (const requestId of requestIds) await queue.waitFor(requestId, 'COMPLETED');
}

/** Waits until the gateway serves the burst app with a worker behind it. */
async function learned(gateway: TestGateway): Promise<void> {
  await until(async () => {
    const ready = await fetch(`${gateway.url}/ready`);
    const body = (await ready.json()) as { apps?: Record<string, { state: string }> };
    return ready.status === 200 && body.apps?.[burstApp.id]?.state === 'ready';
  }, 10_000);
}

/**
 * Every id found under `prefix` (in key names, hash fields and set or list members) but
 * the workers' own (their announcements, `worker:<id>`).
 */
async function idsUnder(prefix: string): Promise<Set<string>> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 2 });
  try {
    const found = new Set<string>();
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
      for (const key of keys as string[]) {
        if (key.startsWith(`${prefix}worker:`) || key === `${prefix}workers`) continue; // worker ids
        const names = [key, ...(await membersOf(redis, key))];
        for (const name of names) for (const [id] of name.matchAll(UUID)) found.add(id);
      }
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

async function membersOf(redis: Redis, key: string): Promise<string[]> {
  const type = await redis.type(key);
  if (type === 'hash') return redis.hkeys(key);
  if (type === 'zset') return redis.zrange(key, 0, -1);
  if (type === 'set') return redis.smembers(key);
  if (type === 'list') return redis.lrange(key, 0, -1);
  return [];
}

describe('a burst past limits.queued', () => {
  it('through two Redis gateways admits concurrent + queued, leaving nothing of the rest', async () => {
    await using first = await startRedisGateway({ apps: [] });
    await using second = await startRedisGateway({ apps: [], redis: first.redis });
    await using _worker = await startTestWorker(first.redis, [burstApp]);
    await Promise.all([learned(first), learned(second)]);
    const admitted = admittedOf(await burst([first, second]));
    expect(admitted).toHaveLength(LIMITS.concurrent + LIMITS.queued);
    expect(await overloadedCounted([first, second])).toBe(BURST - admitted.length);
    const left = await idsUnder(first.redis.prefix);
    expect([...left].filter((id) => !admitted.includes(id))).toEqual([]);
    await completeAll(second, admitted);
  });

  it('in memory mode admits the same number', async () => {
    await using gateway = await startGateway({ apps: [burstApp] });
    const admitted = admittedOf(await burst([gateway]));
    expect(admitted).toHaveLength(LIMITS.concurrent + LIMITS.queued);
    expect(await overloadedCounted([gateway])).toBe(BURST - admitted.length);
    await completeAll(gateway, admitted);
  });
});

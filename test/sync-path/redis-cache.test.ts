import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { canonicalHash } from '../../src/dispatch/canonical-hash.js';
import { startRedisGateway, type TestGateway, type TestRedisGateway } from '../support/gateway.js';
import { cacheApp } from './fixtures/cache-app.js';
import { postJson } from './http.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until a gateway that runs no apps has the app from the workers' catalog. */
async function untilServed(gateway: TestGateway): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const probe = await postJson(`${gateway.url}/test/cached`, {});
    if (probe.status !== 404) return;
    await sleep(25);
  }
  throw new Error('the app never reached the second gateway');
}

/**
 * Claims the input's flight as a leader on another gateway would, before its log exists;
 * `release` lets it go, as a refused leader's gateway does. Disposing disconnects.
 */
async function holdFlight(gateway: TestRedisGateway, input: object, ttlMs: number) {
  const flight = `${gateway.redis.prefix}flight:test/cached:${canonicalHash(input)}`;
  const redis = new Redis(gateway.redis.url);
  await redis.set(flight, 'a-leader-with-no-log-yet', 'PX', ttlMs);
  return {
    release: () => redis.del(flight),
    [Symbol.asyncDispose]: () => Promise.resolve(redis.disconnect()),
  };
}

/** Six identical sync requests at once. */
function sixAtOnce(gateway: TestGateway, input: object) {
  return Promise.all(
    Array.from({ length: 6 }, () => postJson(`${gateway.url}/test/cached`, input)),
  );
}

describe('the response cache in Redis mode: two gateways, one cache', () => {
  it('a result stored through one gateway is a hit on the other, until Redis expires it', async () => {
    const { app, runs } = cacheApp({ ttlMs: 500 });
    await using first = await startRedisGateway({ apps: [app] });
    await using second = await startRedisGateway({ apps: [], redis: first.redis });
    await untilServed(second);
    const miss = await postJson(`${first.url}/test/cached`, { text: 'r' });
    expect(miss.headers.get('x-sluice-cache')).toBe('miss');
    const hit = await postJson(`${second.url}/test/cached`, { text: 'r' });
    expect(hit.headers.get('x-sluice-cache')).toBe('hit');
    expect(hit.body).toEqual(miss.body);
    expect(runs()).toBe(1);
    await sleep(700);
    const expired = await postJson(`${second.url}/test/cached`, { text: 'r' });
    expect(expired.headers.get('x-sluice-cache')).toBe('miss');
    expect(runs()).toBe(2);
  });

  it('coalesces identical requests arriving at both gateways into one run', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using first = await startRedisGateway({ apps: [app] });
    await using second = await startRedisGateway({ apps: [], redis: first.redis });
    await untilServed(second);
    const input = { text: 'together', hold_ms: 2_000 };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        postJson(`${(index % 2 === 0 ? first : second).url}/test/cached`, input),
      ),
    );
    expect(runs()).toBe(1);
    for (const answer of answers) expect(answer.body).toMatchObject({ text: 'together', run: 1 });
    const ids = new Set(answers.map((answer) => answer.headers.get('x-request-id')));
    expect(ids.size).toBe(20);
  });

  it('waits for a leader another gateway is still admitting, and runs itself when that leader never starts', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startRedisGateway({ apps: [app] });
    const input = { text: 'orphaned', hold_ms: 0, fail: false, pad: 0 };
    // A leader on another gateway has claimed the key, and is refused before its log exists.
    await using flight = await holdFlight(gateway, input, 60_000);
    const answers = sixAtOnce(gateway, input);
    await sleep(300);
    await flight.release();
    for (const answer of await answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ text: 'orphaned', run: 1 });
    }
    expect(runs()).toBe(1);
  });

  it('takes over the flight of a leader whose gateway died before its log existed: one run for all', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startRedisGateway({ apps: [app] });
    const input = { text: 'abandoned', hold_ms: 0, fail: false, pad: 0 };
    await using _flight = await holdFlight(gateway, input, 600_000);
    for (const answer of await sixAtOnce(gateway, input))
      expect(answer.body).toMatchObject({ text: 'abandoned', run: 1 });
    expect(runs()).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { parseEvents } from '../support/sse-client.js';
import { cacheApp } from './fixtures/cache-app.js';
import { postJson, queueCall } from './http.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('the response cache (memory)', () => {
  it('misses, then hits with x-sluice-cache, for inputs equal up to key order; expires after ttlMs', async () => {
    const { app, runs } = cacheApp({ ttlMs: 400 });
    await using gateway = await startGateway({ apps: [app] });
    const first = await postJson(`${gateway.url}/test/cached`, { text: 'a', pad: 1 });
    expect(first.headers.get('x-sluice-cache')).toBe('miss');
    const second = await postJson(`${gateway.url}/test/cached`, { pad: 1, text: 'a' });
    expect(second.headers.get('x-sluice-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(runs()).toBe(1);
    await sleep(500);
    const expired = await postJson(`${gateway.url}/test/cached`, { text: 'a', pad: 1 });
    expect(expired.headers.get('x-sluice-cache')).toBe('miss');
    expect(runs()).toBe(2);
  });

  it('answers the queue view from the cache at once, and its status and result', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startGateway({ apps: [app] });
    await postJson(`${gateway.url}/test/cached`, { text: 'q' });
    const queued = await queueCall(gateway.url, 'test/cached', { input: { text: 'q' } });
    expect(queued.submitted.headers.get('x-sluice-cache')).toBe('hit');
    expect(queued.submitted.body).toMatchObject({ status: 'COMPLETED' });
    expect(queued.body).toMatchObject({ text: 'q', run: 1 });
    expect(runs()).toBe(1);
  });

  it('runs afresh for cache-control: no-cache, and stores the fresh result', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startGateway({ apps: [app] });
    await postJson(`${gateway.url}/test/cached`, { text: 'b' });
    const fresh = await postJson(
      `${gateway.url}/test/cached`,
      { text: 'b' },
      { 'cache-control': 'no-cache' },
    );
    expect(fresh.headers.get('x-sluice-cache')).toBe('bypass');
    expect(fresh.body).toMatchObject({ run: 2 });
    const after = await postJson(`${gateway.url}/test/cached`, { text: 'b' });
    expect(after.headers.get('x-sluice-cache')).toBe('hit');
    expect(runs()).toBe(2);
  });

  it('keeps at most maxEntries results, and none larger than maxBytes', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000, maxEntries: 2 });
    await using gateway = await startGateway({ apps: [app] });
    for (const text of ['1', '2', '3']) await postJson(`${gateway.url}/test/cached`, { text });
    expect(
      (await postJson(`${gateway.url}/test/cached`, { text: '3' })).headers.get('x-sluice-cache'),
    ).toBe('hit');
    expect(
      (await postJson(`${gateway.url}/test/cached`, { text: '1' })).headers.get('x-sluice-cache'),
    ).toBe('miss');
    const small = `${gateway.url}/test/cached/small`;
    await postJson(small, { text: 'big', pad: 500 });
    expect((await postJson(small, { text: 'big', pad: 500 })).headers.get('x-sluice-cache')).toBe(
      'miss',
    );
    await postJson(small, { text: 'tiny' });
    expect((await postJson(small, { text: 'tiny' })).headers.get('x-sluice-cache')).toBe('hit');
    expect(runs()).toBe(7);
  });

  it('coalesces 100 identical concurrent requests into one run, each with its own request id', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startGateway({ apps: [app] });
    const input = { text: 'same', hold_ms: 3_000 };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => postJson(`${gateway.url}/test/cached`, input)),
    );
    expect(runs()).toBe(1);
    const ids = new Set(answers.map((answer) => answer.headers.get('x-request-id')));
    expect(ids.size).toBe(100);
    for (const answer of answers) expect(answer.body).toMatchObject({ text: 'same', run: 1 });
    const kinds = answers.map((answer) => answer.headers.get('x-sluice-cache'));
    expect(kinds.filter((kind) => kind === 'miss')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'coalesced').length + 1).toBe(100);
  });

  it('never stores a failed run; requests sharing it fail with its error, under their own ids', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startGateway({ apps: [app] });
    const input = { text: 'bad', fail: true, hold_ms: 200 };
    const [leader, follower] = await Promise.all([
      postJson(`${gateway.url}/test/cached`, input),
      sleep(50).then(() => postJson(`${gateway.url}/test/cached`, input)),
    ]);
    expect(leader.status).toBe(500);
    expect(follower.status).toBe(500);
    expect(follower.headers.get('x-sluice-cache')).toBe('coalesced');
    expect(runs()).toBe(1);
    const again = await postJson(`${gateway.url}/test/cached`, input);
    expect(again.headers.get('x-sluice-cache')).toBe('miss');
    expect(runs()).toBe(2);
  });

  it('never serves or coalesces the stream view', async () => {
    const { app, runs } = cacheApp({ ttlMs: 60_000 });
    await using gateway = await startGateway({ apps: [app] });
    await postJson(`${gateway.url}/test/cached`, { text: 's' });
    const stream = await postJson(`${gateway.url}/test/cached/stream`, { text: 's' });
    expect(stream.headers.get('x-sluice-cache')).toBeNull();
    const events = parseEvents(stream.body as string);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ run: 2 });
    expect(runs()).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { startGateway, startRedisGateway, startTestWorker } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { documentedApp } from './fixtures/documented-app.js';

type Operation = {
  description?: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
  [extension: `x-${string}`]: unknown;
};
type Paths = Record<string, Record<string, Operation>>;

async function getJson<Body>(url: string): Promise<Body> {
  return (await (await fetch(url)).json()) as Body;
}

const parameterNames = (operation: Operation) =>
  (operation.parameters ?? []).map((parameter) => `${parameter.in}:${parameter.name}`);

describe('/openapi.json and /apps for a cached and batched endpoint', () => {
  it('carry x-sluice-cache and x-sluice-batch, say so in words, and document the cache headers', async () => {
    await using gateway = await startGateway({ apps: [documentedApp] });
    const { paths } = await getJson<{ paths: Paths }>(`${gateway.url}/openapi.json`);
    const call = paths['/test/documented']!.post!;
    const queued = paths['/queue/test/documented']!.post!;
    for (const operation of [call, queued]) {
      expect(operation['x-sluice-cache']).toEqual({ ttlMs: 30_000, maxEntries: 500 });
      expect(operation['x-sluice-batch']).toEqual({ maxSize: 16, maxWaitMs: 5 });
      expect(operation.description).toContain('Scores a text');
      expect(operation.description).toContain('Cached: a result is kept for 30 s');
      expect(operation.description).toContain('cache-control: no-cache');
      expect(operation.description).toContain('up to 16 per batch');
      expect(operation.description).toContain('at most 5 ms');
      expect(parameterNames(operation)).toContain('header:cache-control');
      expect(Object.keys(operation.responses['200']!.headers ?? {})).toEqual(['x-sluice-cache']);
    }
    const stream = paths['/test/documented/stream']!.post!;
    expect(stream['x-sluice-cache']).toBeUndefined();
    expect(stream['x-sluice-batch']).toBeUndefined();
    expect(stream.description).toContain('Never served from the response cache');
    expect(stream.description).toContain('Runs alone, never in a batch');
    expect(parameterNames(stream)).not.toContain('header:cache-control');

    const plain = paths['/test/documented/plain']!.post!;
    expect(plain['x-sluice-cache']).toBeUndefined();
    expect(plain['x-sluice-batch']).toBeUndefined();
    expect(plain.description).toBeUndefined();
    expect(parameterNames(plain)).toEqual([]);
    expect(plain.responses['200']!.headers).toBeUndefined();

    const { apps } = await getJson<{ apps: { endpoints: Record<string, unknown>[] }[] }>(
      `${gateway.url}/apps`,
    );
    const [documented, plainEntry] = apps[0]!.endpoints;
    expect(documented).toMatchObject({
      cache: { ttl_ms: 30_000, max_entries: 500 },
      batch: { max_size: 16, max_wait_ms: 5 },
    });
    expect(plainEntry).not.toHaveProperty('cache');
    expect(plainEntry).not.toHaveProperty('batch');
  });

  it('are the same from a pure Redis gateway, which learns the declarations from its worker', async () => {
    await using memory = await startGateway({ apps: [documentedApp] });
    await using gateway = await startRedisGateway({ apps: [] });
    await using _worker = await startTestWorker(gateway.redis, [documentedApp]);
    await until(async () => {
      const { apps } = await getJson<{ apps: unknown[] }>(`${gateway.url}/apps`);
      return apps.length === 1;
    });
    const [pure, real] = await Promise.all([
      getJson<{ paths: Paths }>(`${gateway.url}/openapi.json`),
      getJson<{ paths: Paths }>(`${memory.url}/openapi.json`),
    ]);
    expect(pure.paths['/test/documented']!.post!['x-sluice-batch']).toEqual({
      maxSize: 16,
      maxWaitMs: 5,
    });
    expect(pure.paths).toEqual(real.paths);
  });
});

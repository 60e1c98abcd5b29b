import { beforeEach, describe, expect, it } from 'vitest';
import { startGateway, startRedisGateway, startTestWorker } from '../support/gateway.js';
import { streamAll, until } from '../support/sse-client.js';
import { countApp, failingApp } from '../support/test-apps.js';
import { gateApp, gateLog, resetGateLog, uniqueKey } from '../fixtures/queue-apps.js';
import { QueueClient } from '../queue/queue-client.js';

const APPS = [countApp, gateApp, failingApp];

beforeEach(resetGateLog);

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function postJson(url: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: await response.json() };
}

/** A pure gateway (no apps of its own), then a worker serving `APPS` on the same prefix. */
async function startDeployment() {
  const gateway = await startRedisGateway({ apps: [] });
  const worker = await startTestWorker(gateway.redis, APPS).catch(async (error: unknown) => {
    await gateway[Symbol.asyncDispose]();
    throw error;
  });
  return {
    gateway,
    worker,
    async [Symbol.asyncDispose]() {
      await worker[Symbol.asyncDispose]();
      await gateway[Symbol.asyncDispose]();
    },
  };
}

/** Waits until the gateway lists `appId` and answers /ready with 200. */
async function learned(url: string, appId: string): Promise<void> {
  await until(async () => {
    const { body } = await getJson(`${url}/apps`);
    return (body.apps as { id: string }[]).some((app) => app.id === appId);
  });
  await until(async () => (await getJson(`${url}/ready`)).status === 200);
}

describe('a pure gateway (apps: []) learns its apps from the workers', () => {
  it('lists them with their schemas, documents them in /openapi.json, and turns ready', async () => {
    await using gateway = await startRedisGateway({ apps: [] });
    await using memory = await startGateway({ apps: APPS });
    const { url } = gateway;
    const before = await getJson(`${url}/ready`);
    expect(before.status).toBe(503); // no worker yet: nothing to serve
    expect(before.body).toEqual({ ready: false, apps: {} });
    expect((await getJson(`${url}/apps`)).body.apps).toEqual([]);
    await using _worker = await startTestWorker(gateway.redis, APPS);
    await learned(url, 'test/count');
    const [pure, real] = await Promise.all([getJson(`${url}/apps`), getJson(`${memory.url}/apps`)]);
    const endpointsOf = (body: Record<string, unknown>) =>
      Object.fromEntries(
        (body.apps as { id: string; endpoints: unknown }[]).map((app) => [app.id, app.endpoints]),
      );
    expect(endpointsOf(pure.body)).toEqual(endpointsOf(real.body));
    const ready = await getJson(`${url}/ready`);
    expect(ready.body).toMatchObject({
      ready: true,
      apps: { 'test/count': { state: 'ready' }, 'qtest/gate': { state: 'ready' } },
    });
    const [pureDocs, realDocs] = await Promise.all([
      getJson(`${url}/openapi.json`),
      getJson(`${memory.url}/openapi.json`),
    ]);
    expect(Object.keys(pureDocs.body.paths as object)).toContain('/test/count');
    expect(pureDocs.body.paths).toEqual(realDocs.body.paths);
  });

  it('refuses bad input with the same 422 field errors as a gateway that has the app', async () => {
    await using deployment = await startDeployment();
    await using memory = await startGateway({ apps: APPS });
    const { url } = deployment.gateway;
    await learned(url, 'test/count');
    const cases: [appId: string, input: unknown][] = [
      ['test/count', { n: -1 }],
      ['test/count', { n: 1.5, delay_ms: 5_000 }],
      ['test/count', { progress: 'yes', text: 3 }],
      ['test/count', { n: '3' }],
      ['test/count', 'not an object'],
      ['test/failing', { where: 'nowhere' }],
      ['qtest/gate', { key: 'k'.repeat(101), fail: 'no' }],
      ['qtest/gate', {}],
    ];
    for (const [appId, input] of cases) {
      for (const path of [`/${appId}`, `/${appId}/stream`, `/queue/${appId}`]) {
        const [pure, real] = await Promise.all([
          postJson(`${url}${path}`, input),
          postJson(`${memory.url}${path}`, input),
        ]);
        expect(real.status, `${path} ${JSON.stringify(input)}`).toBe(422);
        expect(pure, `${path} ${JSON.stringify(input)}`).toEqual(real);
      }
    }
  });

  it('streams a run from the worker', async () => {
    await using deployment = await startDeployment();
    const { url } = deployment.gateway;
    await learned(url, 'test/count');
    const events = await streamAll(`${url}/test/count/stream`, { n: 3, text: 'héllo' });
    expect(events.map((event) => event.event)).toEqual(['output', 'output', 'output', 'result']);
    expect(events.map((event) => event.id)).toEqual(['1', '2', '3', '4']);
    expect(JSON.parse(events[2]!.data)).toEqual({ i: 3, text: 'héllo' });
    expect(JSON.parse(events[3]!.data)).toEqual({ count: 3, text: 'héllo' });
  });

  it('counts in its metrics how each run on the worker ended', async () => {
    await using deployment = await startDeployment();
    const { url } = deployment.gateway;
    await learned(url, 'test/count');
    await learned(url, 'test/failing');
    await streamAll(`${url}/test/count/stream`, { n: 1 });
    await streamAll(`${url}/test/failing/stream`, {});
    const counted = (app: string, outcome: string) =>
      new RegExp(
        `sluice_requests_total\\{app="${app}",endpoint="/",view="stream",outcome="${outcome}"\\} 1`,
      );
    await until(async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      return (
        counted('test/count', 'ok').test(metrics) &&
        counted('test/failing', 'app_error').test(metrics)
      );
    });
  });

  it('a cancel through the gateway aborts ctx.signal on the worker', async () => {
    await using deployment = await startDeployment();
    const { url } = deployment.gateway;
    await learned(url, 'qtest/gate');
    const queue = new QueueClient(url, 'qtest/gate');
    const key = uniqueKey('cancelled');
    const requestId = await queue.submitId({ key });
    await until(() => gateLog.started.includes(key));
    expect((await queue.cancel(requestId)).status).toBe(202);
    const done = await queue.waitFor(requestId, 'COMPLETED');
    expect(done.body.error_type).toBe('cancelled');
    expect(gateLog.aborted).toEqual([key]);
  });

  it('a worker that withdraws no longer counts in /ready', async () => {
    await using deployment = await startDeployment();
    const { url } = deployment.gateway;
    await learned(url, 'test/count');
    await deployment.worker.close(0);
    await until(async () => (await getJson(`${url}/ready`)).status === 503);
    const ready = await getJson(`${url}/ready`);
    expect(ready.body.ready).toBe(false);
    expect((ready.body.apps as Record<string, unknown>)['test/count']).toMatchObject({
      state: 'starting',
      replicas: [],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { startGateway, startRedisGateway, type TestGateway } from '../support/gateway.js';
import { parseEvents } from '../support/sse-client.js';
import { prepareApp, prepareReplicaApp } from './fixtures/prepare-app.js';
import { metricLines, postJson, queueCall } from './http.js';

const FEATURES = { features: [1, 2, 3] };

async function replicaGateway(): Promise<TestGateway> {
  const moduleUrl = new URL('./fixtures/prepare-app.ts', import.meta.url).href;
  const runtime = createRuntime([{ app: prepareReplicaApp, moduleUrl }], {});
  await runtime.start();
  return startGateway({ apps: [prepareReplicaApp], runtime });
}

async function streamOf(url: string, input: unknown) {
  const answer = await postJson(url, input);
  const type = answer.headers.get('content-type') ?? '';
  return {
    ...answer,
    type,
    events: type.includes('event-stream') ? parseEvents(answer.body as string) : [],
  };
}

describe.each([
  ['inline', 'test/prepare', () => startGateway({ apps: [prepareApp()] })],
  ['replica process', 'test/prepare-replica', replicaGateway],
  ['redis', 'test/prepare', () => startRedisGateway({ apps: [prepareApp()] })],
] as const)('the prepare step (%s)', (_, appPath, start) => {
  it('runs once per request before the run, in the JSON, queue and stream views', async () => {
    await using gateway = await start();
    const json = await postJson(`${gateway.url}/${appPath}`, { user: 'ada' });
    expect(json.body).toEqual({ prepared: FEATURES, prepareCalls: 1 });
    const queued = await queueCall(gateway.url, appPath, { input: { user: 'ada' } });
    expect(queued.body).toEqual({ prepared: FEATURES, prepareCalls: 1 });
    const stream = await streamOf(`${gateway.url}/${appPath}/stream`, { user: 'ada' });
    expect(stream.events.map((event) => event.event)).toEqual(['log', 'output', 'result']);
    expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ level: 'debug' });
    expect(JSON.parse(stream.events[2]!.data)).toEqual({ prepared: FEATURES, prepareCalls: 1 });
  });

  it('answers its failure with an HTTP status before any stream byte', async () => {
    await using gateway = await start();
    const thrown = await streamOf(`${gateway.url}/${appPath}/stream`, {
      user: 'ada',
      fail: 'throw',
    });
    expect(thrown.status).toBe(502);
    expect(thrown.type).toContain('application/json');
    expect(thrown.body).toMatchObject({ code: 'prepare_failed' });
    expect(JSON.stringify(thrown.body)).not.toContain('feature store is down');
    const refused = await streamOf(`${gateway.url}/${appPath}/stream`, { user: 'bob' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'invalid_input' });
    const json = await postJson(`${gateway.url}/${appPath}`, { user: 'ada', fail: 'throw' });
    expect(json.status).toBe(502);
  });
});

async function metricsOnce(base: string, name: string): Promise<string[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const lines = await metricLines(base, name);
    if (lines.length > 0) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

describe('the prepare step in /metrics', () => {
  it('is timed on its own, apart from the run, also when it runs in a replica process', async () => {
    await using gateway = await replicaGateway();
    await postJson(`${gateway.url}/test/prepare-replica`, { user: 'ada' });
    // The run's outcome reaches the metrics just after its terminal event reached the client.
    const counts = await metricsOnce(gateway.url, 'sluice_prepare_duration_seconds_count');
    expect(counts.join('\n')).toContain('app="test/prepare-replica"');
    expect(counts.some((line) => line.endsWith(' 1'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { startGateway, startRedisGateway, type TestGateway } from '../support/gateway.js';
import { parseEvents } from '../support/sse-client.js';
import { batchApp, batchReplicaApp, slowBatchApp } from './fixtures/batch-app.js';
import { metricLines, postJson, queueCall } from './http.js';

interface Answer {
  readonly n: number;
  readonly batch: number;
  readonly id: string;
  readonly alone?: boolean;
}

async function replicaGateway(): Promise<TestGateway> {
  const moduleUrl = new URL('./fixtures/batch-app.ts', import.meta.url).href;
  const runtime = createRuntime([{ app: batchReplicaApp, moduleUrl }], {});
  await runtime.start();
  return startGateway({ apps: [batchReplicaApp], runtime });
}

describe.each([
  ['inline', 'test/batched', () => startGateway({ apps: [batchApp()] })],
  ['replica process', 'test/batched-replica', replicaGateway],
  ['redis worker', 'test/batched', () => startRedisGateway({ apps: [batchApp()] })],
] as const)('dynamic batching (%s)', (_, appPath, start) => {
  it('batches requests that arrive together, up to maxSize, each with its own id and result', async () => {
    await using gateway = await start();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, n) => postJson(`${gateway.url}/${appPath}`, { n })),
    );
    const bodies = answers.map((answer) => answer.body as Answer);
    expect(bodies.map((body) => body.n)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    for (const [index, body] of bodies.entries())
      expect(body.id).toBe(answers[index]!.headers.get('x-request-id'));
    expect(Math.max(...bodies.map((body) => body.batch))).toBeGreaterThan(1);
    expect(Math.max(...bodies.map((body) => body.batch))).toBeLessThanOrEqual(4);
  });

  it('fails only the item that failed; runs the stream view alone, through run', async () => {
    await using gateway = await start();
    const [good, bad] = await Promise.all([
      postJson(`${gateway.url}/${appPath}`, { n: 1 }),
      postJson(`${gateway.url}/${appPath}`, { n: 2, fail: true }),
    ]);
    expect(good.status).toBe(200);
    expect(bad.status).toBe(500);
    expect(bad.body).toMatchObject({ code: 'app_error' });
    const stream = await postJson(`${gateway.url}/${appPath}/stream`, { n: 3 });
    const events = parseEvents(stream.body as string);
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ n: 3, batch: 0, alone: true });
  });
});

describe('a batch and its requests', () => {
  it('a lone request runs in a batch of one after maxWaitMs; its log is its own', async () => {
    await using gateway = await startGateway({ apps: [batchApp()] });
    const queued = await queueCall(gateway.url, 'test/batched', { input: { n: 7 } });
    const { request_id: requestId } = queued.submitted.body as { request_id: string };
    expect(queued.body).toMatchObject({ n: 7, batch: 1, id: requestId });
    const status = await fetch(
      `${gateway.url}/queue/test/batched/requests/${requestId}/status?logs=1`,
    );
    const { logs } = (await status.json()) as { logs: { message: string }[] };
    expect(logs.map((log) => log.message)).toEqual(['in a batch of 1']);
  });

  it('a request cancelled while its batch forms leaves it', async () => {
    await using gateway = await startGateway({ apps: [slowBatchApp] });
    const submitted = await postJson(`${gateway.url}/queue/test/batched`, { n: 1 });
    const { request_id: cancelled } = submitted.body as { request_id: string };
    await new Promise((resolve) => setTimeout(resolve, 100));
    const kept = postJson(`${gateway.url}/test/batched`, { n: 2 });
    await fetch(`${gateway.url}/queue/test/batched/requests/${cancelled}/cancel`, {
      method: 'PUT',
    });
    expect((await kept).body).toMatchObject({ n: 2, batch: 1 });
    const result = await fetch(`${gateway.url}/queue/test/batched/requests/${cancelled}`);
    expect(((await result.json()) as { code: string }).code).toBe('cancelled');
  });

  it('counts batch sizes in /metrics, from replica processes too', async () => {
    await using gateway = await replicaGateway();
    await Promise.all(
      Array.from({ length: 8 }, (_, n) => postJson(`${gateway.url}/test/batched-replica`, { n })),
    );
    let lines: string[] = [];
    for (let attempt = 0; attempt < 100 && lines.length === 0; attempt++) {
      lines = await metricLines(gateway.url, 'sluice_batch_size_count');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lines.join('\n')).toContain('app="test/batched-replica"');
    const sum = await metricLines(gateway.url, 'sluice_batch_size_sum');
    expect(sum.some((line) => line.endsWith(' 8') || /\s[1-8]$/.test(line))).toBe(true);
  });
});

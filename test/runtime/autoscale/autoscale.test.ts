import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app/define-app.js';
import type { AppStatus } from '../../../src/runtime/runtime.js';
import { QueueClient } from '../../queue/queue-client.js';
import { until } from '../../support/sse-client.js';
import {
  KEEP_ALIVE_MS,
  scaledBroken,
  scaledEcho,
  scaledGroup,
  scaledWarm,
} from '../../fixtures/autoscale-apps.js';
import { getJson, startReplicaGateway } from '../replicas/replica-harness.js';

interface ReadyBody {
  ready: boolean;
  apps: Record<string, AppStatus>;
}

// Cold starts take seconds on a loaded machine: every wait here is generous.
const SLOW_MS = 30_000;

function start(app: App) {
  return startReplicaGateway({ app, file: 'autoscale-apps.ts' });
}

async function ready(url: string, appId: string) {
  const { status, body } = await getJson<ReadyBody>(`${url}/ready`);
  return { status, app: body.apps[appId]! };
}

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function postRun(url: string, appId: string, input: unknown) {
  const response = await fetch(`${url}/${appId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Reads `status` every few ms while `work` runs, and returns both. */
async function watching<Result>(
  status: () => AppStatus,
  work: Promise<Result>,
): Promise<{ result: Result; seen: AppStatus[] }> {
  const seen: AppStatus[] = [];
  let done = false;
  const watch = (async () => {
    while (!done) {
      seen.push(status());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const result = await work.finally(() => (done = true));
  await watch;
  return { result, seen };
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('autoscaled replicas (real replica processes)', { timeout: 90_000 }, () => {
  it('starts at zero, ready, and shows its scale in /ready and /metrics', async () => {
    await using gateway = await start(scaledEcho);
    const { status, app } = await ready(gateway.url, 'test/scaled-echo');
    expect(status).toBe(200);
    expect(app.state).toBe('ready');
    expect(app.replicas).toEqual([]);
    expect(app.scale).toEqual({
      min: 0,
      max: 3,
      keepAliveMs: KEEP_ALIVE_MS,
      current: 0,
      desired: 0,
    });
    const text = await metrics(gateway.url);
    expect(sample(text, 'sluice_replicas{app="test/scaled-echo"}')).toBe(0);
    expect(sample(text, 'sluice_replicas_desired{app="test/scaled-echo"}')).toBe(0);
  });

  it('scales from zero: requests wait in the queue with their positions, then succeed', async () => {
    await using gateway = await start(scaledWarm);
    const queue = new QueueClient(gateway.url, 'test/scaled-warm');
    const first = await queue.submit({});
    expect(first.status).toBe(200);
    expect(first.body.queue_position).toBe(0);
    const second = await queue.submit({});
    expect(second.body.queue_position).toBe(1);
    const waiting = await queue.status(String(first.body.request_id));
    expect(waiting.body).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
    const { app } = await ready(gateway.url, 'test/scaled-warm');
    expect(app.state).toBe('ready');
    expect(app.scale).toMatchObject({ current: 2, desired: 2 });
    expect(app.replicas?.map((replica) => replica.state)).toEqual(['starting', 'starting']);
    for (const answer of [first, second]) {
      const requestId = String(answer.body.request_id);
      await until(async () => (await queue.status(requestId)).body.status === 'COMPLETED', SLOW_MS);
      const result = await queue.result(requestId);
      expect(result.status).toBe(200);
      expect(typeof result.body.pid).toBe('number');
    }
    // The second replica may still be starting: one ready replica can serve both.
    const readyCount = () =>
      gateway.runtime.status('test/scaled-warm').replicas?.filter((r) => r.state === 'ready');
    await until(() => readyCount()?.length === 2, SLOW_MS);
    const text = await metrics(gateway.url);
    const up = 'sluice_scale_decisions_total{app="test/scaled-warm",direction="up",reason="queue"}';
    expect(sample(text, up)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sluice_cold_start_seconds_count{app="test/scaled-warm"}')).toBe(2);
    const coldSeconds = sample(text, 'sluice_cold_start_seconds_sum{app="test/scaled-warm"}');
    expect(coldSeconds).toBeGreaterThan(0.3 * 2); // at least each setup's 300 ms
    expect(sample(text, 'sluice_replicas_ready{app="test/scaled-warm"}')).toBe(2);
    expect(sample(text, 'sluice_replicas_desired{app="test/scaled-warm"}')).toBe(2);
  });

  it('keeps a replica up through its keep-alive: the next request finds it warm', async () => {
    await using gateway = await start(scaledWarm);
    const first = await postRun(gateway.url, 'test/scaled-warm', {});
    const second = await postRun(gateway.url, 'test/scaled-warm', {});
    expect(second.body.pid).toBe(first.body.pid);
    const text = await metrics(gateway.url);
    expect(sample(text, 'sluice_cold_start_seconds_count{app="test/scaled-warm"}')).toBe(1);
  });

  it('a start timeout still ends a request that waits for a cold replica', async () => {
    await using gateway = await start(scaledEcho);
    const queue = new QueueClient(gateway.url, 'test/scaled-echo');
    const requestId = await queue.submitId({}, { headers: { 'x-fal-request-timeout': '0.1' } });
    await until(async () => (await queue.status(requestId)).body.status === 'COMPLETED', SLOW_MS);
    const result = await queue.result(requestId);
    expect(result.body).toMatchObject({ error_type: 'timeout' });
    // The replica it started still comes up, and serves the next request.
    const next = await postRun(gateway.url, 'test/scaled-echo', {});
    expect(next.status).toBe(200);
  });

  it('scales up under a burst to max, never past it, then down to zero after the keep-alive', async () => {
    await using gateway = await start(scaledEcho);
    const burst = Promise.all(
      Array.from({ length: 6 }, () => postRun(gateway.url, 'test/scaled-echo', { delay_ms: 400 })),
    );
    const { result: runs, seen } = await watching(
      () => gateway.runtime.status('test/scaled-echo'),
      burst,
    );
    expect(runs.map((run) => run.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Math.max(...seen.map((status) => status.scale!.current))).toBe(3);
    const pids = new Set(runs.map((run) => run.body.pid as number));
    expect(pids.size).toBeLessThanOrEqual(3);
    await until(
      async () => (await ready(gateway.url, 'test/scaled-echo')).app.scale?.current === 0,
      SLOW_MS,
    );
    const idle = await ready(gateway.url, 'test/scaled-echo');
    expect(idle.status).toBe(200);
    expect(idle.app).toMatchObject({ state: 'ready', replicas: [] });
    const text = await metrics(gateway.url);
    const down =
      'sluice_scale_decisions_total{app="test/scaled-echo",direction="down",reason="idle"}';
    expect(sample(text, down)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sluice_replicas{app="test/scaled-echo"}')).toBe(0);
    expect(sample(text, 'sluice_replicas_desired{app="test/scaled-echo"}')).toBe(0);
    expect(sample(text, 'sluice_cold_start_seconds_count{app="test/scaled-echo"}')).toBe(3);
    await until(() => [...pids].every(gone), SLOW_MS);
  });

  it('scales a worker group as a unit: its ranks start, serve and stop together', async () => {
    await using gateway = await start(scaledGroup);
    const burst = Promise.all(
      Array.from({ length: 2 }, () => postRun(gateway.url, 'test/scaled-group', { delay_ms: 300 })),
    );
    const { result: runs, seen } = await watching(
      () => gateway.runtime.status('test/scaled-group'),
      burst,
    );
    expect(runs.map((run) => run.status)).toEqual([200, 200]);
    for (const run of runs) expect(new Set(run.body.pids as number[]).size).toBe(2);
    expect(Math.max(...seen.map((status) => status.scale!.current))).toBe(2);
    const pids = new Set<number>();
    for (const status of seen)
      for (const replica of status.replicas ?? []) {
        expect(replica.pids).toHaveLength(2);
        replica.pids.forEach((pid) => pids.add(pid));
      }
    expect(pids.size).toBe(4);
    await until(
      async () => (await ready(gateway.url, 'test/scaled-group')).app.scale?.current === 0,
      SLOW_MS,
    );
    await until(() => [...pids].every(gone), SLOW_MS);
    const text = await metrics(gateway.url);
    expect(sample(text, 'sluice_cold_start_seconds_count{app="test/scaled-group"}')).toBe(2);
  });

  it('an app whose setup fails at its cold start answers app_unavailable, and the server serves on', async () => {
    await using gateway = await start(scaledBroken);
    const run = await postRun(gateway.url, 'test/scaled-broken', {});
    expect(run.status).toBe(503);
    expect(run.body).toMatchObject({ error_type: 'app_unavailable' });
    const { status, app } = await ready(gateway.url, 'test/scaled-broken');
    expect([status, app.state]).toEqual([503, 'failed']);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { App } from '../../../src/app/define-app.js';
import type { ReplicaStatus } from '../../../src/runtime/runtime.js';
import {
  closeLinkApp,
  exitApp,
  hangApp,
  ignoreCancelApp,
  killApp,
  oomApp,
  rejectionApp,
  LONG_SETUP_ERROR_CHARS,
  setupCrashApp,
  scribbleApp,
  setupCrashLongApp,
  stallApp,
  throwApp,
} from '../../fixtures/replica-failures.js';
import { readEvents, readText, send, until } from '../../support/sse-client.js';
import type { TestGateway } from '../../support/gateway.js';
import { getJson, lastData, startReplicaGateway, streamEvents } from './replica-harness.js';

const FILE = 'replica-failures.ts';

interface StatusBody {
  ready: boolean;
  apps: Record<string, { state: string; error?: string; replicas: ReplicaStatus[] }>;
}

/** The operator's view (with pids and the error text): open probes leave them out. */
async function replicaOf(gateway: TestGateway, appId: string): Promise<ReplicaStatus> {
  return Promise.resolve(gateway.runtime.status(appId).replicas![0]!);
}

/** Streams a failing run; `onFirst` sees the first event (the replica's pid). */
async function failingRun(
  gateway: TestGateway,
  app: App,
  onFirst: (pid: number) => void = () => undefined,
) {
  const exchange = await send(`${gateway.url}/${app.id}/stream`, {
    method: 'POST',
    body: JSON.stringify({ fail: true }),
  });
  return readEvents(exchange, (event, all) => {
    if (all.length === 1) onFirst((JSON.parse(event.data) as { pid: number }).pid);
  });
}

async function expectRecovery(gateway: TestGateway, app: App, deadPid: number): Promise<void> {
  await until(async () => (await replicaOf(gateway, app.id)).state === 'ready', 10_000);
  const replica = await replicaOf(gateway, app.id);
  expect(replica.restarts).toBe(1);
  expect(replica.lastError).toMatch(/^rank 0 |cancel deadline/);
  const events = await streamEvents(`${gateway.url}/${app.id}/stream`, { fail: false });
  const { pid } = lastData<{ pid: number }>(events);
  expect(pid).not.toBe(deadPid);
  expect(replica.pids).toEqual([pid]);
}

describe('replica failures', () => {
  const deaths: Array<[string, App, string[]?]> = [
    ['process.exit', exitApp],
    ['an uncaught exception', throwApp],
    ['an unhandled rejection', rejectionApp],
    ['running out of memory', oomApp, ['--max-old-space-size=32']],
  ];
  for (const [how, app, nodeOptions] of deaths) {
    it(`a replica that dies by ${how} ends its run with worker_lost and restarts`, async () => {
      await using gateway = await startReplicaGateway({
        app,
        file: FILE,
        overrides: { nodeOptions },
      });
      let pid = 0;
      const events = await failingRun(gateway, app, (first) => (pid = first));
      expect(events.map((event) => event.event)).toEqual(['output', 'error']);
      expect(lastData(events)).toMatchObject({ code: 'worker_lost', retryable: true });
      await expectRecovery(gateway, app, pid);
    });
  }

  const brokenLinks: Array<[string, App, RegExp]> = [
    [
      'writes what is no frame to its link',
      scribbleApp,
      /^rank 0 wrote what its link could not read: /,
    ],
    [
      'closes its link and goes on running',
      closeLinkApp,
      /^rank 0 closed its link to the gateway and still runs$/,
    ],
  ];
  for (const [what, app, lastError] of brokenLinks) {
    it(`a replica that ${what} is taken down, and the server goes on`, async () => {
      await using gateway = await startReplicaGateway({ app, file: FILE });
      let pid = 0;
      const events = await failingRun(gateway, app, (first) => (pid = first));
      expect(lastData(events)).toMatchObject({ code: 'worker_lost', retryable: true });
      expect((await replicaOf(gateway, app.id)).lastError).toMatch(lastError);
      await expectRecovery(gateway, app, pid);
    });
  }

  it('kill -9 of a replica ends its run with worker_lost and restarts it', async () => {
    await using gateway = await startReplicaGateway({ app: killApp, file: FILE });
    let pid = 0;
    const events = await failingRun(gateway, killApp, (first) => {
      pid = first;
      process.kill(first, 'SIGKILL');
    });
    expect(lastData(events)).toMatchObject({ code: 'worker_lost' });
    await expectRecovery(gateway, killApp, pid);
  });

  for (const [how, app] of [
    ['blocks its event loop', hangApp],
    ['ignores its signal', ignoreCancelApp],
  ] as const) {
    it(`a cancelled run that ${how} past the deadline is killed with its replica`, async () => {
      await using gateway = await startReplicaGateway({
        app,
        file: FILE,
        overrides: { cancelDeadlineMs: 200 },
      });
      let pid = 0;
      const { request, response } = await send(`${gateway.url}/${app.id}/stream`, {
        method: 'POST',
        body: JSON.stringify({ fail: true }),
        headers: { 'x-fal-request-timeout': '30' },
      });
      const requestId = response.headers['x-request-id'] as string;
      const events = readEvents({ request, response }, (event) => {
        pid = (JSON.parse(event.data) as { pid: number }).pid;
        return 'stop';
      });
      await events;
      expect(await gateway.dispatcher.cancel(requestId)).toBe('requested');
      const log = await gateway.eventLog.read(requestId, 0, 10);
      expect(log?.events.at(-1)?.type).toBe('error');
      expect(JSON.parse(log!.events.at(-1)!.json)).toMatchObject({ code: 'cancelled' });
      await until(async () => (await replicaOf(gateway, app.id)).restarts === 1, 10_000);
      expect((await replicaOf(gateway, app.id)).lastError).toMatch(/cancel deadline of 200 ms/);
      await expectRecovery(gateway, app, pid);
    });
  }

  it('a replica whose event loop is blocked past the cancel deadline while a cancel waits is not lost once it answers', async () => {
    const deadlineMs = 1_000;
    await using gateway = await startReplicaGateway({
      app: stallApp,
      file: FILE,
      overrides: { cancelDeadlineMs: deadlineMs },
    });
    const { pids } = await replicaOf(gateway, stallApp.id);
    const markerFolder = await mkdtemp(join(tmpdir(), 'sluice-stall-'));
    onTestFinished(() => rm(markerFolder, { recursive: true, force: true }));
    const marker = join(markerFolder, 'blocking');
    const exchange = await send(`${gateway.url}/${stallApp.id}/stream`, {
      method: 'POST',
      body: JSON.stringify({ block_ms: 2.5 * deadlineMs, blocking_marker: marker }),
    });
    const requestId = exchange.response.headers['x-request-id'] as string;
    await readEvents(exchange, () => 'stop');
    // The replica writes the marker in the same turn it blocks in: the cancel reaches it blocked.
    await until(() => existsSync(marker), 10_000);
    expect(await gateway.dispatcher.cancel(requestId)).toBe('requested');
    const log = await gateway.eventLog.read(requestId, 0, 10);
    expect(JSON.parse(log!.events.at(-1)!.json)).toMatchObject({ code: 'cancelled' });
    // Its slot comes back once the block is over and the run's code has returned.
    await until(async () => (await replicaOf(gateway, stallApp.id)).running === 0, 20_000);
    const replica = await replicaOf(gateway, stallApp.id);
    expect(replica).toMatchObject({ state: 'ready', restarts: 0, pids });
    expect(replica.lastError).toBeUndefined();
    const next = await streamEvents(`${gateway.url}/${stallApp.id}/stream`, {});
    expect(lastData<{ pid: number }>(next).pid).toBe(pids[0]);
  });

  it('a replica whose setup keeps failing is reported with its error and retried with backoff', async () => {
    await using gateway = await startReplicaGateway({
      app: setupCrashApp,
      file: FILE,
      overrides: { restartBackoffMs: 100 },
    });
    const { status, body } = await getJson<StatusBody>(`${gateway.url}/ready`);
    expect(status).toBe(503);
    const app = body.apps['test/replica-setup-crash']!;
    expect(app).toMatchObject({ state: 'failed', reason: 'setup failed' });
    expect(app.replicas[0]).toMatchObject({ replica: 0, reason: 'setup failed' });
    expect(JSON.stringify(body)).not.toMatch(/model file|pids|lastError/);
    expect(gateway.runtime.status(setupCrashApp.id)).toMatchObject({
      state: 'failed',
      error: 'the model file is missing',
      replicas: [{ lastError: 'the model file is missing' }],
    });
    const { response } = await send(`${gateway.url}/test/replica-setup-crash`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(await readText(response))).toMatchObject({ code: 'app_unavailable' });
    // Backoff doubles from 100 ms: within 1.5 s at most 4 restarts (100+200+400+800), not dozens.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await replicaOf(gateway, 'test/replica-setup-crash')).restarts).toBeLessThanOrEqual(4);
  });

  it('a setup error longer than its pipe holds is read whole before its exit is', async () => {
    await using gateway = await startReplicaGateway({
      app: setupCrashLongApp,
      file: FILE,
      overrides: { restartBackoffMs: 60_000 },
    });
    await until(() => gateway.runtime.status(setupCrashLongApp.id).state === 'failed', 30_000);
    const status = gateway.runtime.status(setupCrashLongApp.id);
    const error = status.state === 'failed' ? (status.error ?? '') : '';
    expect(error.slice(0, 28)).toBe('the weights are corrupt: xxx');
    expect(error).toHaveLength(LONG_SETUP_ERROR_CHARS);
  });
});

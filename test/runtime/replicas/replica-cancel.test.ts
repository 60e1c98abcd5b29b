import { describe, expect, it } from 'vitest';
import { loadApps } from '../../../src/cli/load-apps.js';
import { createRuntime } from '../../../src/runtime/create-runtime.js';
import type { ReplicaStatus } from '../../../src/runtime/runtime.js';
import { z } from 'zod';
import { defineApp } from '../../../src/app/define-app.js';
import { SluiceError } from '../../../src/errors/sluice-error.js';
import { replicaEcho } from '../../fixtures/replica-echo.js';
import { ENTER_MS, slowKeyApp } from '../../fixtures/replica-slow-key.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { readEvents, send } from '../../support/sse-client.js';
import {
  fixtureUrl,
  lastData,
  runtimeJob,
  startReplicaGateway,
  streamEvents,
} from './replica-harness.js';

const STREAM = '/test/replica-echo/stream';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The operator's view (with pids): open probes leave pids out. */
async function replicaStatus(gateway: TestGateway): Promise<ReplicaStatus> {
  return Promise.resolve(gateway.runtime.status('test/replica-echo').replicas![0]!);
}

/** Starts a run that holds until cancelled; resolves with its request id once it has emitted. */
async function holdingRun(gateway: TestGateway) {
  const exchange = await send(`${gateway.url}${STREAM}`, {
    method: 'POST',
    body: JSON.stringify({ n: 1, hold: true }),
  });
  const requestId = exchange.response.headers['x-request-id'] as string;
  let emitted = () => undefined as void;
  const first = new Promise<void>((resolve) => (emitted = resolve));
  const events = readEvents(exchange, () => emitted());
  await first;
  return { requestId, events };
}

describe('cancelling runs in replicas', () => {
  it('sends the abort into the replica: the run stops there and its replica serves on', async () => {
    await using gateway = await startReplicaGateway({
      app: replicaEcho,
      file: 'replica-echo.ts',
      overrides: { cancelDeadlineMs: 1_000 },
    });
    const { pids } = await replicaStatus(gateway);
    const held = await holdingRun(gateway);
    expect(await gateway.dispatcher.cancel(held.requestId)).toBe('requested');
    const events = await held.events;
    expect(lastData(events)).toMatchObject({ code: 'cancelled' });
    // The only slot comes back because the run's code returned: the abort reached it.
    const next = await streamEvents(`${gateway.url}${STREAM}`, { n: 1 });
    expect(lastData<{ pid: number }>(next).pid).toBe(pids[0]);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the cancel deadline
    expect(await replicaStatus(gateway)).toMatchObject({ state: 'ready', restarts: 0, pids });
  });

  it('a run cancelled while its key is entered ends at once, and its replica is not killed for it', async () => {
    const cancelDeadlineMs = 200;
    await using gateway = await startReplicaGateway({
      app: slowKeyApp,
      file: 'replica-slow-key.ts',
      overrides: { cancelDeadlineMs },
    });
    const url = `${gateway.url}/${slowKeyApp.id}/stream`;
    const { pids } = gateway.runtime.status(slowKeyApp.id).replicas![0]!;
    const entering = await send(url, { method: 'POST', body: '{"key":"a"}' });
    const events = readEvents(entering);
    await pause(100); // the replica has the run and is entering key a
    const requestId = entering.response.headers['x-request-id'] as string;
    expect(await gateway.dispatcher.cancel(requestId)).toBe('requested');
    expect(lastData(await events)).toMatchObject({ code: 'cancelled' });
    await pause(cancelDeadlineMs * 2); // past the deadline, before the key is entered
    expect(ENTER_MS).toBeGreaterThan(100 + cancelDeadlineMs * 3);
    expect(gateway.runtime.status(slowKeyApp.id).replicas![0]).toMatchObject({
      state: 'ready',
      restarts: 0,
      pids,
    });
    // The key goes on being entered for the runs after it: entered once, in the same process.
    const next = await streamEvents(url, { key: 'a' });
    expect(lastData(next)).toEqual({ key: 'a', pid: pids[0], entries: 1 });
  });

  it('a request queued behind a busy replica ends at once when cancelled; the busy run goes on', async () => {
    await using gateway = await startReplicaGateway({ app: replicaEcho, file: 'replica-echo.ts' });
    const held = await holdingRun(gateway);
    const waiting = await send(`${gateway.url}${STREAM}`, { method: 'POST', body: '{"n":1}' });
    const waitingId = waiting.response.headers['x-request-id'] as string;
    expect(await gateway.dispatcher.cancel(waitingId)).toBe('requested');
    const waitingEvents = await readEvents(waiting);
    expect(waitingEvents.map((event) => event.event)).toEqual(['error']);
    expect((await replicaStatus(gateway)).running).toBe(1);
    await gateway.dispatcher.cancel(held.requestId);
    await held.events;
  });

  it('stops a run that emits past the event log’s caps with event_log_full', async () => {
    const runtime = createRuntime(await loadApps(['test/fixtures/replica-echo.ts']));
    await runtime.start();
    await using gateway = await startGateway({
      apps: [replicaEcho],
      runtime,
      eventLogLimits: { maxEvents: 20 },
    });
    const events = await streamEvents(`${gateway.url}${STREAM}`, { n: 5_000 });
    expect(events.at(-1)?.event).toBe('error');
    expect(lastData(events)).toMatchObject({ code: 'event_log_full' });
  });

  it('refuses a process app whose module it cannot know', () => {
    const unknown = defineApp({
      id: 'test/nowhere',
      input: z.object({}),
      isolation: 'process',
      run: () => ({}),
    });
    expect(() => createRuntime([unknown])).toThrow(
      'test/nowhere runs in replica processes, which import its module',
    );
  });

  it('a run handed to a pool with no free slot waits for one, and ends if cancelled meanwhile', async () => {
    const runtime = createRuntime([{ app: replicaEcho, moduleUrl: fixtureUrl('replica-echo.ts') }]);
    try {
      await runtime.start();
      const first = runtimeJob({ n: 1, hold: true });
      const second = runtimeJob({ n: 1 });
      const third = runtimeJob({ n: 2 });
      const outcomes = [first, second, third].map((job) => runtime.execute(job));
      second.control.abort(new SluiceError('cancelled', 'Changed my mind'));
      expect(await outcomes[1]).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(second.events.map((event) => event.type)).toEqual(['error']);
      first.control.abort(new SluiceError('cancelled', 'Done holding'));
      expect(await outcomes[0]).toMatchObject({ ok: false });
      expect(await outcomes[2]).toEqual({ ok: true });
      expect(third.events.map((event) => event.type)).toEqual(['output', 'output', 'result']);
    } finally {
      await runtime.close();
    }
  });
});

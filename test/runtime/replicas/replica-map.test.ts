import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/runtime/create-runtime.js';
import { fanApp, squareApp, unsendableApp } from '../../fixtures/replica-map.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { readEvents, send, until } from '../../support/sse-client.js';
import { fixtureUrl, lastData, streamEvents } from './replica-harness.js';

async function startMapGateway() {
  const moduleUrl = fixtureUrl('replica-map.ts');
  const runtime = createRuntime([
    { app: fanApp, moduleUrl },
    { app: squareApp, moduleUrl },
    { app: unsendableApp, moduleUrl },
  ]);
  await runtime.start();
  return startGateway({ apps: [fanApp, squareApp, unsendableApp], runtime });
}

function runningChildren(gateway: TestGateway): number {
  const status = gateway.runtime.status('test/replica-square');
  return (status.replicas ?? []).reduce((total, replica) => total + replica.running, 0);
}

describe('ctx.map inside a replica process', () => {
  it('reaches the parent’s child runs over its link and spreads children over both replicas', async () => {
    await using gateway = await startMapGateway();
    const events = await streamEvents(`${gateway.url}/test/replica-fan/stream`, { count: 20 });
    const result = lastData<{ squares: number[]; replicas: number; parentPid: number }>(events);
    expect(events.at(-1)?.event).toBe('result');
    expect(result.squares).toEqual(Array.from({ length: 20 }, (_, x) => x * x));
    expect(result.replicas).toBe(2);
    expect(result.parentPid).not.toBe(process.pid);
    expect(events.filter((event) => event.event === 'output')).toHaveLength(20);
  });

  it('fails a run whose child input cannot be sent between processes, and keeps its replica', async () => {
    await using gateway = await startMapGateway();
    const url = `${gateway.url}/test/replica-unsendable/stream`;
    const [replica] = gateway.runtime.status(unsendableApp.id).replicas ?? [];
    const failed = lastData(await streamEvents(url, {}));
    expect(failed).toMatchObject({ code: 'app_error' });
    expect((failed as { message: string }).message).toMatch(/cannot be sent between processes/);
    const ok = lastData<{ pid: number }>(await streamEvents(url, { ok: true }));
    expect(ok.pid).toBe(replica?.pids[0]); // the same replica, not a restarted one
    expect(gateway.runtime.status(unsendableApp.id).replicas?.[0]?.restarts).toBe(0);
  });

  it('cancelling the parent run cancels its children in the other replicas', async () => {
    await using gateway = await startMapGateway();
    const exchange = await send(`${gateway.url}/test/replica-fan/stream`, {
      method: 'POST',
      body: JSON.stringify({ count: 4, path: '/hold' }),
    });
    const requestId = exchange.response.headers['x-request-id'] as string;
    const events = readEvents(exchange);
    await until(() => runningChildren(gateway) === 4);
    expect(await gateway.dispatcher.cancel(requestId)).toBe('requested');
    expect(lastData(await events)).toMatchObject({ code: 'cancelled' });
    await until(() => runningChildren(gateway) === 0);
  });
});

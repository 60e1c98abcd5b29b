import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import { SluiceError } from '../../src/errors/sluice-error.js';
import type { RequestRecord } from '../../src/events/event-log.js';
import { createGateway } from '../../src/server/create-gateway.js';
import { readEvents, send } from '../support/sse-client.js';
import { startGateway } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { countApp, failingApp } from '../support/test-apps.js';
import { gateApp, gateLog, releaseGate } from '../fixtures/queue-apps.js';

beforeEach(() => {
  gateLog.started.length = 0;
  gateLog.aborted.length = 0;
});

function parentRecord(owner: string, appId = 'qtest/parent'): RequestRecord {
  return { requestId: randomUUID(), appId, endpoint: '', owner, createdAt: Date.now() };
}

async function rejection(promise: Promise<unknown>): Promise<SluiceError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof SluiceError) return error;
  throw new Error(`expected a SluiceError, got ${String(error)}`);
}

describe('child runs through the dispatcher', () => {
  it('runs a child as a request of the parent’s owner and resolves with its output', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const children = gateway.dispatcher.childRunsFor(parentRecord('owner-fingerprint'));
    const output = await children.run(
      { appId: 'test/count', path: '' },
      { n: 2 },
      new AbortController().signal,
    );
    expect(output).toEqual({ count: 2, text: 'x' });
  });

  it('an unknown app is not_found; a bad input is invalid_input; a failed child rejects with its code', async () => {
    await using gateway = await startGateway({ apps: [countApp, failingApp] });
    const children = gateway.dispatcher.childRunsFor(parentRecord('anonymous'));
    const signal = new AbortController().signal;
    expect((await rejection(children.run({ appId: 'no/such', path: '' }, {}, signal))).code).toBe(
      'not_found',
    );
    expect(
      (await rejection(children.run({ appId: 'test/count', path: '/nope' }, {}, signal))).code,
    ).toBe('not_found');
    const invalid = await rejection(
      children.run({ appId: 'test/count', path: '' }, { n: -1 }, signal),
    );
    expect(invalid.code).toBe('invalid_input');
    const failed = await rejection(children.run({ appId: 'test/failing', path: '' }, {}, signal));
    expect(failed.code).toBe('app_error');
  });

  it('aborting the signal cancels the child, running or queued', async () => {
    await using gateway = await startGateway({ apps: [gateApp] });
    const children = gateway.dispatcher.childRunsFor(parentRecord('anonymous'));
    const parent = new AbortController();
    const [running, queued] = [`running-${randomUUID()}`, `queued-${randomUUID()}`];
    const first = children.run({ appId: 'qtest/gate', path: '' }, { key: running }, parent.signal);
    const second = children.run({ appId: 'qtest/gate', path: '' }, { key: queued }, parent.signal);
    await until(() => gateLog.started.includes(running) && gateway.dispatcher.queueDepth === 1);
    parent.abort(new SluiceError('cancelled', 'The parent was cancelled'));
    expect((await rejection(first)).code).toBe('cancelled');
    expect((await rejection(second)).code).toBe('cancelled');
    await until(() => gateway.dispatcher.activeRuns === 0);
    expect(gateLog.aborted).toEqual([running]);
    expect(gateLog.started).toEqual([running]);
    releaseGate(running);
  });

  it('ctx.map in a run sends its children through the same dispatcher', async () => {
    const parentApp = defineApp({
      id: 'qtest/parent',
      input: z.object({}),
      async run(_input, ctx) {
        const outputs: unknown[] = [];
        for await (const output of ctx.map('test/count', [{ n: 1 }, { n: 2 }]))
          outputs.push(output);
        return { outputs };
      },
    });
    await using gateway = await startGateway({ apps: [parentApp, countApp] });
    const response = await fetch(`${gateway.url}/qtest/parent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await response.json()).toEqual({
      outputs: [
        { count: 1, text: 'x' },
        { count: 2, text: 'x' },
      ],
    });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain(
      'sluice_requests_total{app="test/count",endpoint="/",view="child",outcome="ok"} 2',
    );
  });

  it('a parent aborted while its child’s input is checked submits no child', async () => {
    const slowInput = defineApp({
      id: 'qtest/slow-input',
      input: z.object({ n: z.number() }).refine(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return true;
      }),
      run: ({ n }) => ({ n }),
    });
    await using gateway = await startGateway({ apps: [slowInput] });
    const parentRun = new AbortController();
    const child = gateway.dispatcher
      .childRunsFor(parentRecord('anonymous'))
      .run({ appId: 'qtest/slow-input', path: '' }, { n: 1 }, parentRun.signal);
    parentRun.abort(new SluiceError('cancelled', 'The parent was cancelled'));
    expect((await rejection(child)).code).toBe('cancelled');
    expect(gateway.dispatcher.activeRuns).toBe(0);
  });

  it('ctx.map onto its own app with bounded capacity fails at once instead of waiting forever', async () => {
    const selfMapping = defineApp({
      id: 'qtest/self',
      input: z.object({}),
      maxConcurrency: 1,
      async run(_input, ctx) {
        const outputs: unknown[] = [];
        for await (const output of ctx.map('qtest/self/part', [{}])) outputs.push(output);
        return { outputs };
      },
      endpoints: { '/part': { input: z.object({}), run: () => ({ part: true }) } },
    });
    await using gateway = await startGateway({ apps: [selfMapping] });
    const response = await fetch(`${gateway.url}/qtest/self`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'app_error' });
  });

  it('a draining server lets a running parent start its children and finish', async () => {
    let firstChildDone = false;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const sequential = defineApp({
      id: 'qtest/sequential',
      input: z.object({}),
      async run(_input, ctx) {
        const outputs: unknown[] = [];
        for (const n of [1, 2, 3]) {
          for await (const output of ctx.map('test/count', [{ n }])) outputs.push(output);
          firstChildDone = true;
          await released; // the next children are submitted while the server drains
        }
        return { children: outputs.length };
      },
    });
    const gateway = await createGateway({
      apps: [sequential, countApp],
      logger: false,
      shutdownDeadlineMs: 10_000,
    });
    const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const stream = await send(`${url}/qtest/sequential/stream`, { method: 'POST', body: '{}' });
    const events = readEvents(stream);
    await until(() => firstChildDone);
    const closed = gateway.close();
    await until(() => gateway.dispatcher.isClosing);
    release();
    const received = await events;
    await closed;
    expect(received.at(-1)).toMatchObject({ event: 'result', data: '{"children":3}' });
  });
});

import { request as httpRequest } from 'node:http';
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { countApp, sleep, workLoop, workLoopApp } from '../support/test-apps.js';

const GRACE_MS = 300;

beforeEach(() => {
  workLoop.iterations = 0;
  workLoop.started = 0;
  workLoop.aborted = 0;
});

async function openWorkLoop(url: string) {
  return send(`${url}/test/work-loop/stream`, { method: 'POST', body: '{}' });
}

describe('cancellation when clients leave', () => {
  it('a disconnect stops the app’s work loop after the grace period', async () => {
    await using gateway = await startGateway({ apps: [workLoopApp], cancelGraceMs: GRACE_MS });
    const exchange = await openWorkLoop(gateway.url);
    const requestId = String(exchange.response.headers['x-request-id']);
    await readEvents(exchange, (_event, all) => (all.length === 3 ? 'stop' : undefined));
    await sleep(GRACE_MS / 2);
    expect(workLoop.aborted).toBe(0);
    await until(() => workLoop.aborted === 1, GRACE_MS * 10);
    const iterationsAtAbort = workLoop.iterations;
    await sleep(100);
    expect(workLoop.iterations).toBe(iterationsAtAbort);
    await until(() => gateway.dispatcher.activeRuns === 0);
    const lookup = await gateway.eventLog.lookup(requestId);
    expect(lookup.state).toBe('ended');
    const batch = await gateway.eventLog.read(requestId, 0, 10_000);
    const terminal = batch!.events.at(-1)!;
    expect(terminal.type).toBe('error');
    expect(JSON.parse(terminal.json)).toMatchObject({ code: 'cancelled', request_id: requestId });
  });

  it('a reconnect within the grace period continues the same run with no gap and no duplicate', async () => {
    await using gateway = await startGateway({ apps: [countApp], cancelGraceMs: 2_000 });
    const body = JSON.stringify({ n: 30, delay_ms: 15 });
    const first = await send(`${gateway.url}/test/count/stream`, { method: 'POST', body });
    const requestId = String(first.response.headers['x-request-id']);
    const before = await readEvents(first, (_event, all) =>
      all.length === 5 ? 'stop' : undefined,
    );
    await sleep(100);
    const resumed = await send(`${gateway.url}/test/count/requests/${requestId}/stream`, {
      headers: { 'last-event-id': before.at(-1)!.id! },
    });
    const after = await readEvents(resumed);
    const ids = [...before, ...after].map((event) => Number(event.id));
    expect(ids).toEqual(Array.from({ length: 31 }, (_, index) => index + 1));
    expect(after.at(-1)?.event).toBe('result');
    expect(JSON.parse(after.at(-1)!.data)).toEqual({ count: 30, text: 'x' });
  });

  it('a run with two clients keeps going while one of them remains', async () => {
    await using gateway = await startGateway({ apps: [workLoopApp], cancelGraceMs: 100 });
    const first = await openWorkLoop(gateway.url);
    const requestId = String(first.response.headers['x-request-id']);
    const second = await send(`${gateway.url}/test/work-loop/requests/${requestId}/stream`);
    const secondEvents = readEvents(second, (_event, all) =>
      all.length === 40 ? 'stop' : undefined,
    );
    await readEvents(first, (_event, all) => (all.length === 2 ? 'stop' : undefined));
    await sleep(250);
    expect(workLoop.aborted).toBe(0);
    expect((await secondEvents).length).toBe(40);
    await until(() => workLoop.aborted === 1, 2_000);
  });

  it('a sync call whose client leaves is cancelled too', async () => {
    await using gateway = await startGateway({ apps: [workLoopApp], cancelGraceMs: 100 });
    const request = httpRequest(`${gateway.url}/test/work-loop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      agent: false,
    });
    request.on('error', () => undefined);
    request.end('{}');
    await until(() => workLoop.iterations >= 3);
    expect(workLoop.aborted).toBe(0);
    request.destroy();
    await until(() => workLoop.aborted === 1, 2_000);
    await until(() => gateway.dispatcher.activeRuns === 0);
  });
});

/** Validates its input slowly (an async refinement), like a check against a database. */
const slowValidationApp = defineApp({
  id: 'test/slow-validation',
  input: z.object({ delay_ms: z.number().default(150) }).refine(async ({ delay_ms }) => {
    await sleep(delay_ms);
    return true;
  }),
  async run(_input, ctx) {
    workLoop.started++;
    ctx.signal.addEventListener('abort', () => workLoop.aborted++);
    while (!ctx.signal.aborted) await sleep(10);
    return {};
  },
});

/** Its setup never finishes. */
const hangingSetupApp = defineApp({
  id: 'test/hanging-setup',
  input: z.object({}),
  setup: () => new Promise<never>(() => undefined),
  run: () => ({}),
});

function leaveAfter(url: string, ms: number): void {
  const request = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    agent: false,
  });
  request.on('error', () => undefined);
  request.end('{}');
  setTimeout(() => request.destroy(), ms);
}

describe('clients that leave before their request is running', () => {
  it.each(['/stream', ''])(
    'a client that leaves while its input is validated is noticed (view %s)',
    async (view) => {
      await using gateway = await startGateway({ apps: [slowValidationApp], cancelGraceMs: 100 });
      leaveAfter(`${gateway.url}/test/slow-validation${view}`, 50);
      await until(() => workLoop.started === 1, 2_000);
      await until(() => workLoop.aborted === 1, 2_000);
      await until(() => gateway.dispatcher.activeRuns === 0);
    },
  );

  it('a request whose app is still setting up ends when its client leaves', async () => {
    await using gateway = await startGateway({ apps: [hangingSetupApp], cancelGraceMs: 100 });
    const exchange = await send(`${gateway.url}/test/hanging-setup/stream`, {
      method: 'POST',
      body: '{}',
    });
    const requestId = String(exchange.response.headers['x-request-id']);
    exchange.request.destroy();
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended', 2_000);
    const batch = await gateway.eventLog.read(requestId, 0, 10);
    expect(JSON.parse(batch!.events.at(-1)!.json)).toMatchObject({ code: 'cancelled' });
    expect(gateway.dispatcher.activeRuns).toBe(0);
  });
});

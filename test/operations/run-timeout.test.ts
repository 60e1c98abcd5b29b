import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { parseQueueOptions } from '../../src/dispatch/request-options.js';
import { runDeadlineSeconds } from '../../src/runtime/run-deadline.js';
import {
  startGateway,
  startGatewayOn,
  type GatewayBackend,
  type TestGateway,
} from '../support/gateway.js';
import { readText, send, streamAll, until, type ParsedEvent } from '../support/sse-client.js';
import { shortDeadlineApp, waitApp, waitReplicaApp } from './fixtures/waiting-apps.js';

const HEADER = 'x-sluice-run-timeout';

function terminalOf(events: readonly ParsedEvent[]): { event?: string; data: unknown } {
  const last = events.at(-1);
  return { event: last?.event, data: JSON.parse(last?.data ?? 'null') as unknown };
}

async function timedOutStream(gateway: TestGateway, appId: string, seconds: string) {
  const events = await streamAll(`${gateway.url}/${appId}/stream`, {}, { [HEADER]: seconds });
  return terminalOf(events);
}

describe('the run deadline a client asks for', () => {
  it('is the shorter of the app’s and the client’s', () => {
    expect(runDeadlineSeconds(600, 30)).toBe(30);
    expect(runDeadlineSeconds(10, 30)).toBe(10);
    expect(runDeadlineSeconds(undefined, 5)).toBe(5);
    expect(runDeadlineSeconds(7, undefined)).toBe(7);
    expect(runDeadlineSeconds(undefined, undefined)).toBeUndefined();
  });

  it('is read from x-sluice-run-timeout, and a malformed one is invalid_input', () => {
    expect(parseQueueOptions({ [HEADER]: '2.5' }).runTimeoutSeconds).toBe(2.5);
    expect(parseQueueOptions({}).runTimeoutSeconds).toBeUndefined();
    for (const bad of ['0', '-1', 'soon', '90000', 'NaN'])
      expect(() => parseQueueOptions({ [HEADER]: bad })).toThrow(
        expect.objectContaining({ code: 'invalid_input' }),
      );
  });

  it('answers a malformed header with 422 naming the header', async () => {
    await using gateway = await startGateway({ apps: [waitApp] });
    const { response } = await send(`${gateway.url}/${waitApp.id}`, {
      method: 'POST',
      body: '{}',
      headers: { [HEADER]: 'later' },
    });
    expect(response.statusCode).toBe(422);
    const body = JSON.parse(await readText(response)) as { code: string; detail: unknown };
    expect(body.code).toBe('invalid_input');
    expect(JSON.stringify(body.detail)).toContain(HEADER);
  });

  it('never lengthens the app’s deadline', async () => {
    await using gateway = await startGateway({ apps: [shortDeadlineApp] });
    const terminal = await timedOutStream(gateway, shortDeadlineApp.id, '60');
    expect(terminal.event).toBe('error');
    expect(terminal.data).toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('0.3 s') as string,
    });
  });

  const backends: GatewayBackend[] = ['memory', 'redis'];
  it.each(backends)('ends an inline run with timeout (%s)', async (backend) => {
    await using gateway = await startGatewayOn(backend, { apps: [waitApp] });
    const terminal = await timedOutStream(gateway, waitApp.id, '0.2');
    expect(terminal.event).toBe('error');
    expect(terminal.data).toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('0.2 s') as string,
    });
  });

  it('ends a queued run with timeout, its result a 504', async () => {
    await using gateway = await startGateway({ apps: [waitApp] });
    const { response } = await send(`${gateway.url}/queue/${waitApp.id}`, {
      method: 'POST',
      body: '{}',
      headers: { [HEADER]: '0.2' },
    });
    const submitted = JSON.parse(await readText(response)) as {
      status_url: string;
      response_url: string;
    };
    await until(async () => {
      const status = await fetch(submitted.status_url);
      return ((await status.json()) as { status: string }).status === 'COMPLETED';
    });
    const status = (await fetch(submitted.response_url)).status;
    expect(status).toBe(504);
  });

  it('ends a run in a replica process with timeout', async () => {
    const moduleUrl = new URL('./fixtures/waiting-apps.ts', import.meta.url).href;
    const runtime = createRuntime([{ app: waitReplicaApp, moduleUrl }], { restartBackoffMs: 50 });
    await runtime.start();
    await using gateway = await startGateway({ apps: [waitReplicaApp], runtime });
    const terminal = await timedOutStream(gateway, waitReplicaApp.id, '0.3');
    expect(terminal.event).toBe('error');
    expect(terminal.data).toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('0.3 s') as string,
    });
    // The replica survives a timed-out run: the next run is served by it.
    const again = await streamAll(`${gateway.url}/${waitReplicaApp.id}/stream`, { hold: false });
    expect(terminalOf(again).event).toBe('result');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { loadApps } from '../../src/cli/load-apps.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { DEV_MODE_VARIABLE } from '../../src/runtime/dev-mode.js';
import { startGateway, startRedisGateway } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';
import { capturingLogger, type LogLine } from './capture-log.js';
import { badOutput, inlineFailure, lateEmitter, replicaFailure } from './fixtures/failing-apps.js';

const FIXTURES = 'test/newcomer/fixtures';

async function post(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { response } = await send(url, { method: 'POST', body: '{}' });
  const text = await readText(response);
  return { status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> };
}

function runFailures(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((line) => String(line.msg).startsWith('run failed'));
}

/** The logged failure shows the app's message, stack and cause with where it happened. */
function expectActionable(line: LogLine | undefined, app: string): void {
  expect(line).toBeDefined();
  expect(line!.level).toBe(50);
  expect(line!.msg).toBe('run failed: CUDA out of memory');
  expect(line!).toMatchObject({ app, endpoint: '', code: 'app_error' });
  expect(line!.requestId).toEqual(expect.any(String));
  const err = line!.error as { message: string; stack: string; cause: { message: string } };
  expect(err.message).toBe('CUDA out of memory');
  expect(err.stack).toContain('failing-apps.ts');
  expect(err.cause.message).toBe('cudaMalloc returned 2');
}

afterEach(() => {
  delete process.env[DEV_MODE_VARIABLE];
});

describe('a failed run is logged with what its developer needs', () => {
  it('inline: message, stack and cause at error level; the client sees the safe message', async () => {
    const { logger, lines } = capturingLogger();
    await using gateway = await startGateway({ apps: [inlineFailure], logger });
    const answer = await post(`${gateway.url}/${inlineFailure.id}`);
    expect(answer.status).toBe(500);
    expect(answer.body.detail).toBe('The app raised Error');
    expect(answer.body.debug).toBeUndefined();
    await until(() => runFailures(lines).length > 0);
    expectActionable(runFailures(lines)[0], inlineFailure.id);
  });

  it('in a replica process: the detail crosses IPC to the gateway log', async () => {
    const { logger, lines } = capturingLogger();
    const apps = await loadApps([`${FIXTURES}/failing-apps.ts`]);
    const app = apps.find((candidate) => candidate.id === replicaFailure.id)!;
    const runtime = createRuntime([app]);
    await using gateway = await startGateway({ apps: [app], runtime, logger });
    await until(() => gateway.runtime.status(app.id).state === 'ready', 20_000);
    const answer = await post(`${gateway.url}/${app.id}`);
    expect(answer.body.detail).toBe('The app raised Error');
    await until(() => runFailures(lines).length > 0);
    expectActionable(runFailures(lines)[0], app.id);
  });

  it('on a Redis worker: the worker logs the detail', async () => {
    const { logger, lines } = capturingLogger();
    await using gateway = await startRedisGateway({ apps: [inlineFailure], logger });
    const answer = await post(`${gateway.url}/${inlineFailure.id}`);
    expect(answer.body.detail).toBe('The app raised Error');
    await until(() => runFailures(lines).length > 0);
    expectActionable(runFailures(lines)[0], inlineFailure.id);
  });

  it('an output that fails its schema names the field', async () => {
    const { logger, lines } = capturingLogger();
    await using gateway = await startGateway({ apps: [badOutput], logger });
    const answer = await post(`${gateway.url}/${badOutput.id}`);
    expect(answer.status).toBe(500);
    expect(answer.body.detail).toMatch(
      /does not match its schema: output\.images\[0\]\.url: .*string/,
    );
    await until(() => runFailures(lines).length > 0);
    expect(String(runFailures(lines)[0]!.msg)).toContain('output.images[0].url');
  });

  it('an emit after the run ended logs one warning for the run', async () => {
    const { logger, lines } = capturingLogger();
    await using gateway = await startGateway({ apps: [lateEmitter], logger });
    expect((await post(`${gateway.url}/${lateEmitter.id}`)).status).toBe(200);
    const late = () => lines.filter((line) => String(line.msg).includes('emitted after it ended'));
    await until(() => late().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(late()).toHaveLength(1);
    expect(late()[0]).toMatchObject({ level: 40, app: lateEmitter.id });
  });
});

describe('dev mode sends the detail to the client', () => {
  it('the JSON answer and the stream error event carry debug: message and stack', async () => {
    process.env[DEV_MODE_VARIABLE] = '1';
    await using gateway = await startGateway({ apps: [inlineFailure], logger: false });
    const answer = await post(`${gateway.url}/${inlineFailure.id}`);
    expect(answer.body.detail).toBe('The app raised Error');
    const debug = answer.body.debug as {
      message: string;
      stack: string;
      cause: { message: string };
    };
    expect(debug.message).toBe('CUDA out of memory');
    expect(debug.stack).toContain('failing-apps.ts');
    expect(debug.cause.message).toBe('cudaMalloc returned 2');
    const { response } = await send(`${gateway.url}/${inlineFailure.id}/stream`, {
      method: 'POST',
      body: '{}',
    });
    const stream = await readText(response);
    expect(stream).toMatch(
      /event: error\n.*"debug":\{"name":"Error","message":"CUDA out of memory"/,
    );
  });
});

describe('app definitions are checked when they load', () => {
  it('a plain object as input fails naming the file', async () => {
    await expect(loadApps([`${FIXTURES}/plain-object-input.ts`])).rejects.toThrow(
      /plain-object-input\.ts: newcomer\/plain-input \(default endpoint\): input must be a zod schema/,
    );
  });

  it('an app id served twice fails naming both files', async () => {
    await expect(
      loadApps([`${FIXTURES}/failing-apps.ts`, `${FIXTURES}/duplicate-id.ts`]),
    ).rejects.toThrow(
      /duplicate-id\.ts: newcomer\/inline-failure: this app id is already served \(by .*failing-apps\.ts\)/,
    );
  });

  it('a malformed id fails naming the file', async () => {
    await expect(loadApps([`${FIXTURES}/bad-id.ts`])).rejects.toThrow(
      /bad-id\.ts: App id "no owner\/a\/b" must be owner\/name or name/,
    );
  });

  it('/apps and /openapi.json keep answering when one app cannot be described', async () => {
    const broken = defineApp({
      id: 'newcomer/broken',
      input: { prompt: 'string' } as unknown as z.ZodObject,
      run: () => ({}),
    });
    await using gateway = await startGateway({ apps: [countApp, broken], logger: false });
    const { response } = await send(`${gateway.url}/apps`);
    expect(response.statusCode).toBe(200);
    const apps = (JSON.parse(await readText(response)) as { apps: Array<{ id: string }> }).apps;
    expect(apps.map((app) => app.id)).toEqual([countApp.id, broken.id]);
    const openapi = await send(`${gateway.url}/openapi.json`);
    expect(openapi.response.statusCode).toBe(200);
    expect(await readText(openapi.response)).toContain('cannot be described');
  });
});

import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { startWorkerNode } from '../../src/cluster/worker-node.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import {
  SETUP_SECRET,
  healthyProcessApp,
  secretSetupApp,
  secretSetupProcessApp,
} from '../fixtures/secret-setup.js';
import { startGateway, startRedisGateway, type TestGateway } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';
import { fixtureUrl } from '../runtime/replicas/replica-harness.js';

const KEY = 'operator-key';
const SECRET_PART = /hunter2|db\.internal/;

/** A pino logger whose lines land in `lines`, parsed. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function get(gateway: TestGateway, path: string, key?: string) {
  const headers: Record<string, string> = key ? { authorization: `Key ${key}` } : {};
  const { response } = await send(`${gateway.url}${path}`, { headers });
  return { status: response.statusCode, text: await readText(response) };
}

function setupFailures(lines: ReadonlyArray<Record<string, unknown>>) {
  return lines.filter((line) => line.msg === 'app setup failed');
}

describe('probes leak nothing: inline apps (memory mode)', () => {
  it('open /ready and /apps show a generic reason; the log and keyed /ready the error', async () => {
    const { logger, lines } = capturingLogger();
    await using gateway = await startGateway({
      apps: [countApp, secretSetupApp],
      apiKeys: [KEY],
      logger,
    });
    await until(() => gateway.runtime.status(secretSetupApp.id).state === 'failed');
    for (let probe = 0; probe < 5; probe++) {
      for (const path of ['/ready', '/apps']) {
        const open = await get(gateway, path);
        expect(open.text).not.toMatch(SECRET_PART);
        expect(open.text).toContain('"reason":"setup failed"');
      }
      expect((await get(gateway, '/ready', 'wrong-key')).text).not.toMatch(SECRET_PART);
    }
    const open = JSON.parse((await get(gateway, '/ready')).text) as unknown;
    expect(open).toEqual({
      ready: false,
      apps: {
        'test/count': { state: 'ready' },
        'test/secret-setup': { state: 'failed', reason: 'setup failed' },
      },
    });
    const keyed = await get(gateway, '/ready', KEY);
    expect(JSON.parse(keyed.text)).toMatchObject({
      apps: { 'test/secret-setup': { error: `could not connect to ${SETUP_SECRET}` } },
    });
    const logged = setupFailures(lines);
    expect(logged).toHaveLength(1); // once per failure, not per probe
    expect(logged[0]).toMatchObject({ level: 50, app: 'test/secret-setup' });
    expect((logged[0]!.err as { stack: string }).stack).toMatch(/hunter2[\s\S]*secret-setup\.ts/);
  });

  it('with no keys configured, no caller gets the error text', async () => {
    await using gateway = await startGateway({ apps: [secretSetupApp] });
    await until(() => gateway.runtime.status(secretSetupApp.id).state === 'failed');
    expect((await get(gateway, '/ready', 'anything')).text).not.toMatch(SECRET_PART);
  });
});

describe('probes leak nothing: replica processes (memory mode)', () => {
  it('no pids or setup error on open routes; keyed /ready has both; each failure logged once with its replica', async () => {
    const { logger, lines } = capturingLogger();
    const runtime = createRuntime(
      [
        { app: secretSetupProcessApp, moduleUrl: fixtureUrl('secret-setup.ts') },
        { app: healthyProcessApp, moduleUrl: fixtureUrl('secret-setup.ts') },
      ],
      { restartBackoffMs: 60_000 }, // one failure during the test
    );
    await runtime.start(); // the failure happens before the gateway gives its logger
    await using gateway = await startGateway({
      apps: [secretSetupProcessApp, healthyProcessApp],
      runtime,
      apiKeys: [KEY],
      logger,
    });
    for (let probe = 0; probe < 5; probe++) {
      for (const path of ['/ready', '/apps']) {
        const open = await get(gateway, path);
        expect(open.text).not.toMatch(SECRET_PART);
        expect(open.text).not.toMatch(/pids|lastError/);
      }
    }
    const open = JSON.parse((await get(gateway, '/ready')).text) as {
      apps: Record<string, unknown>;
    };
    expect(open.apps['test/secret-setup-process']).toEqual({
      state: 'failed',
      reason: 'setup failed',
      replicas: [{ replica: 0, state: 'failed', running: 0, restarts: 0, reason: 'setup failed' }],
    });
    const keyed = JSON.parse((await get(gateway, '/ready', KEY)).text) as {
      apps: Record<string, { replicas: Array<{ pids: number[]; lastError?: string }> }>;
    };
    expect(keyed.apps['test/healthy-process']!.replicas[0]!.pids[0]).toBeGreaterThan(0);
    expect(keyed.apps['test/secret-setup-process']!.replicas[0]!.lastError).toContain(SETUP_SECRET);
    const logged = setupFailures(lines);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ app: 'test/secret-setup-process', replica: 0 });
    expect((logged[0]!.err as { stack: string }).stack).toMatch(/hunter2[\s\S]*secret-setup\.ts/);
  });
});

describe('probes leak nothing: Redis mode', () => {
  it('a worker’s failed setup: generic reason and no pids on open routes, the error keyed and in the worker’s log', async () => {
    await using gateway = await startRedisGateway({ apps: [], apiKeys: [KEY] });
    const { logger, lines } = capturingLogger();
    const node = await startWorkerNode({
      redis: gateway.redis,
      apps: [secretSetupApp, countApp],
      logger,
    });
    try {
      await node.ready;
      await until(async () => (await get(gateway, '/apps')).text.includes('test/secret-setup'));
      await until(async () => (await get(gateway, '/apps')).text.includes('"state":"failed"'));
      for (const path of ['/ready', '/apps']) {
        const open = await get(gateway, path);
        expect(open.text).not.toMatch(SECRET_PART);
        expect(open.text).not.toMatch(/pids|lastError/);
      }
      const open = JSON.parse((await get(gateway, '/ready')).text) as {
        apps: Record<string, unknown>;
      };
      expect(open.apps['test/secret-setup']).toMatchObject({
        state: 'failed',
        reason: 'setup failed',
        replicas: [{ state: 'failed', reason: 'setup failed' }],
      });
      const keyed = JSON.parse((await get(gateway, '/ready', KEY)).text) as {
        apps: Record<string, { error?: string; replicas: Array<{ pids: number[] }> }>;
      };
      expect(keyed.apps['test/secret-setup']!.error).toBe(`could not connect to ${SETUP_SECRET}`);
      expect(keyed.apps['test/count']!.replicas[0]!.pids).toEqual([process.pid]);
      expect(setupFailures(lines)).toHaveLength(1);
      expect(setupFailures(lines)[0]).toMatchObject({ app: 'test/secret-setup' });
    } finally {
      await node.close(0);
    }
  });
});

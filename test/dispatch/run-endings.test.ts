import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/errors/sluice-error.js';
import type { RunOutcome } from '../../src/runtime/execute-run.js';
import type { AppStatus, Runtime } from '../../src/runtime/runtime.js';
import { startGatewayOn } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

/** How a runtime fails its runs. */
type Fault = 'rejects' | 'throws' | 'returns without a result';

/** A runtime that is ready, but whose every run fails the same way: a fixture for a bad day. */
class FaultyRuntime implements Runtime {
  constructor(private readonly fault: Fault) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  status(): AppStatus {
    return { state: 'ready' };
  }

  capacity(): number {
    return Infinity;
  }

  execute(): Promise<RunOutcome> {
    if (this.fault === 'throws')
      throw new SluiceError('app_unavailable', 'The app failed to start');
    if (this.fault === 'rejects')
      return Promise.reject(new SluiceError('app_unavailable', 'The app failed to start'));
    return Promise.resolve({ ok: true }); // and writes nothing
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function capturedLogger() {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), messages };
}

const LEFT_LIVE = 'ending a request its run left live';
const COULD_NOT_EXECUTE = 'run could not execute';

describe.each(['memory', 'redis'] as const)('a failing run, on %s', (backend) => {
  it.each(['rejects', 'throws'] as const)(
    'whose runtime %s is logged once as `run could not execute`, never as left live',
    async (fault) => {
      const { logger, messages } = capturedLogger();
      const runtime = new FaultyRuntime(fault);
      await using gateway = await startGatewayOn(backend, { apps: [countApp], runtime, logger });
      const answer = await fetch(`${gateway.url}/test/count`, { method: 'POST' });
      expect(await answer.json()).toMatchObject({ code: 'app_unavailable' });
      await until(() => messages.includes('request failed'));
      expect(messages.filter((message) => message === COULD_NOT_EXECUTE)).toHaveLength(1);
      expect(messages).not.toContain(LEFT_LIVE);
    },
  );

  it('that returns without a result is logged once as left live', async () => {
    const { logger, messages } = capturedLogger();
    const runtime = new FaultyRuntime('returns without a result');
    await using gateway = await startGatewayOn(backend, { apps: [countApp], runtime, logger });
    const answer = await fetch(`${gateway.url}/test/count`, { method: 'POST' });
    expect(await answer.json()).toMatchObject({
      code: 'internal',
      detail: 'The run ended without a result',
    });
    await until(() => messages.includes('request failed'));
    expect(messages.filter((message) => message === LEFT_LIVE)).toHaveLength(1);
    expect(messages).not.toContain(COULD_NOT_EXECUTE);
  });
});

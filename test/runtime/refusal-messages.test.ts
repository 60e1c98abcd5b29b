import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGatewayOn, type GatewayBackend } from '../support/gateway.js';
import { readText, send } from '../support/sse-client.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Emits `count` outputs of `bytes` characters, all in one tick or one every few ms. */
const emitter = defineApp({
  id: 'test/emitter',
  input: z.object({ count: z.number(), bytes: z.number(), yieldMs: z.number().optional() }),
  async run({ count, bytes, yieldMs }, ctx) {
    for (let index = 0; index < count; index++) {
      ctx.emit('x'.repeat(bytes));
      if (yieldMs !== undefined) await sleep(yieldMs);
    }
    return 'done';
  },
});

async function failureOf(url: string, input: object) {
  const { response } = await send(`${url}/test/emitter`, {
    method: 'POST',
    body: JSON.stringify(input),
  });
  const body = JSON.parse(await readText(response)) as { code: string; detail: string };
  return { status: response.statusCode, ...body };
}

describe.each<GatewayBackend>(['memory', 'redis'])(
  'event_log_full on %s says which limit filled',
  (backend) => {
    it('the run’s buffer of events not yet appended, counted in events', async () => {
      await using gateway = await startGatewayOn(backend, {
        apps: [emitter],
        eventLogLimits: { maxEvents: 20 },
        logger: false,
      });
      const failure = await failureOf(gateway.url, { count: 50, bytes: 1 });
      expect(failure).toMatchObject({ status: 500, code: 'event_log_full' });
      expect(failure.detail).toBe(
        'The run emitted faster than its events could be appended: its buffer of events not yet appended reached its cap of 20 events',
      );
    });

    it('the run’s buffer, counted in bytes', async () => {
      await using gateway = await startGatewayOn(backend, {
        apps: [emitter],
        eventLogLimits: { maxBytes: 1000 },
        logger: false,
      });
      const failure = await failureOf(gateway.url, { count: 3, bytes: 600 });
      expect(failure.detail).toMatch(
        /buffer of events not yet appended reached its cap of 1000 bytes$/,
      );
    });

    it('the event log’s own cap, once appended events fill it', async () => {
      await using gateway = await startGatewayOn(backend, {
        apps: [emitter],
        eventLogLimits: { maxEvents: 20 },
        logger: false,
      });
      const failure = await failureOf(gateway.url, { count: 30, bytes: 1, yieldMs: 5 });
      expect(failure).toMatchObject({ status: 500, code: 'event_log_full' });
      expect(failure.detail).toMatch(
        /^The run emitted more than its event log may keep \(at most 20 events and \d+ bytes\)$/,
      );
    });
  },
);

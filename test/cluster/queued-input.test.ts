import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { memoryAfterGc } from '../support/collect-garbage.js';
import { startRedisGateway, startTestWorker } from '../support/gateway.js';
import { until } from '../support/sse-client.js';
import { QueueClient } from '../queue/queue-client.js';

const QUEUED = 40;
const BLOB_BYTES = 512 * 1024;

/** Each run waits here until the test lets it finish (or it is cancelled). */
const waiting: (() => void)[] = [];

/** One run at a time, each held until released: the others stay queued. */
const bigInputApp = defineApp({
  id: 'test/big-input',
  input: z.object({ blob: z.string() }),
  maxConcurrency: 1,
  async run({ blob }, ctx) {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return { bytes: blob.length, letter: blob[0] };
  },
});

async function appListed(url: string): Promise<void> {
  await until(async () => {
    const body = (await (await fetch(`${url}/apps`)).json()) as { apps: { id: string }[] };
    return body.apps.some((app) => app.id === bigInputApp.id);
  });
}

describe('a Redis gateway and its queued requests', () => {
  it('keeps no copy of a queued request’s input: the worker runs it from the queue’s', async () => {
    await using gateway = await startRedisGateway({ apps: [] });
    await using worker = await startTestWorker(gateway.redis, [bigInputApp]);
    expect(worker).toBeDefined();
    await appListed(gateway.url);
    const queue = new QueueClient(gateway.url, bigInputApp.id);
    const before = memoryAfterGc().heapUsed;
    const ids: string[] = [];
    for (let index = 0; index < QUEUED; index++) {
      const blob = String.fromCharCode(97 + (index % 26)).repeat(BLOB_BYTES);
      ids.push(await queue.submitId({ blob }));
    }
    await until(() => Promise.resolve(waiting.length === 1)); // the first runs, the rest wait
    const grown = memoryAfterGc().heapUsed - before;
    // Held with their inputs, the queued requests would keep QUEUED × BLOB_BYTES (20 MiB).
    expect(grown).toBeLessThan((QUEUED * BLOB_BYTES) / 4);
    for (const [index, letter] of ['a', 'b'].entries()) {
      await until(() => Promise.resolve(waiting.length === index + 1));
      waiting[index]!();
      const done = await queue.waitFor(ids[index]!, 'COMPLETED');
      expect(done.status).toBe(200);
      expect((await queue.result(ids[index]!)).body).toEqual({ bytes: BLOB_BYTES, letter });
    }
    for (const id of ids.slice(2)) await queue.cancel(id);
  });
});

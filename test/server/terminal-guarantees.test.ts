import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { readText, send, streamAll } from '../support/sse-client.js';

const MIB = 1024 * 1024;

/** Fills its log to the cap, then emits again from its abort listener as the run ends. */
const fillsLogThenCleansUp = defineApp({
  id: 'test/cleanup-emits',
  input: z.object({}),
  run(_input, ctx) {
    for (let index = 1; index <= 3; index++) ctx.emit({ index });
    ctx.signal.addEventListener('abort', () => ctx.log('info', 'cleaning up'));
    return { done: true };
  },
});

/** Emits far more than its log may keep in one synchronous loop, noting the heap at its end. */
const heapAtEnd: number[] = [];
const burstApp = defineApp({
  id: 'test/burst',
  input: z.object({ events: z.number().int(), bytes: z.number().int() }),
  run({ events, bytes }, ctx) {
    const pad = 'x'.repeat(bytes);
    for (let index = 0; index < events; index++) ctx.emit({ index, pad });
    heapAtEnd.push(process.memoryUsage().heapUsed);
    return { events };
  },
});

describe('every request ends with exactly one terminal event', () => {
  it('even when the app emits from its abort listener into a full log', async () => {
    await using gateway = await startGateway({
      apps: [fillsLogThenCleansUp],
      eventLogLimits: { maxEvents: 3 },
    });
    const { response } = await send(`${gateway.url}/test/cleanup-emits`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(await readText(response))).toEqual({ done: true });
    const events = await streamAll(`${gateway.url}/test/cleanup-emits/stream`, {});
    expect(events.map((event) => event.event)).toEqual(['output', 'output', 'output', 'result']);
  });

  it('a run that emits past its caps without yielding fails with event_log_full, holding no more than its caps', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    await using gateway = await startGateway({
      apps: [burstApp],
      eventLogLimits: { maxBytes: MIB },
    });
    const body = JSON.stringify({ events: 60_000, bytes: 4096 }); // 240 MiB if it were all kept
    const { response } = await send(`${gateway.url}/test/burst`, { method: 'POST', body });
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(await readText(response))).toMatchObject({ code: 'event_log_full' });
    expect(heapAtEnd.at(-1)! - heapBefore).toBeLessThan(64 * MIB);
  });
});

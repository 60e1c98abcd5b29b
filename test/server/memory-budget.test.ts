import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

const KIB = 1024;

/** Emits `outputs` outputs of 1 KiB at once, then holds its log live for `hold_ms`. */
const holdApp = defineApp({
  id: 'budget/hold',
  input: z.object({ outputs: z.number().int().max(2_000), hold_ms: z.number().max(5_000) }),
  async run({ outputs, hold_ms }, ctx) {
    for (let index = 0; index < outputs; index++) ctx.emit({ index, chunk: 'x'.repeat(KIB) });
    await new Promise((resolve) => setTimeout(resolve, hold_ms));
    return { held: outputs };
  },
});

async function queueCount(url: string): Promise<Response> {
  return fetch(`${url}/queue/test/count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"n":1}',
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('the memory budget of a gateway', () => {
  it('refuses new requests with 503 while live logs fill it, drops ended logs, then accepts again', async () => {
    await using gateway = await startGateway({
      apps: [holdApp, countApp],
      memoryBudgetBytes: 256 * KIB,
    });
    const early = (await (await queueCount(gateway.url)).json()) as { request_id: string };
    const earlyResult = `${gateway.url}/queue/test/count/requests/${early.request_id}`;
    await until(async () => (await fetch(earlyResult)).status === 200);

    // One run holds about 275 KiB live: more than the whole budget, which does not stop it.
    const holding = await send(`${gateway.url}/budget/hold/stream`, {
      method: 'POST',
      body: JSON.stringify({ outputs: 250, hold_ms: 1_500 }),
    });
    const events = readEvents(holding);
    let refused: Response | undefined;
    await until(async () => {
      const answer = await queueCount(gateway.url);
      if (answer.status === 503) refused = answer;
      return refused !== undefined;
    });
    expect(refused!.headers.get('retry-after')).toBe('2');
    expect(await refused!.json()).toMatchObject({ code: 'app_unavailable' });
    expect(await metric(gateway.url, 'sluice_memory_budget_bytes')).toBe(256 * KIB);
    expect(await metric(gateway.url, 'sluice_memory_used_bytes')).toBeGreaterThan(256 * KIB);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);

    // The run keeps its own caps: it ends with its result, which its stream receives.
    const received = await events;
    expect(received.at(-1)).toMatchObject({ event: 'result', data: '{"held":250}' });
    expect(received).toHaveLength(251);

    // Once its grace has passed, the ended logs go, oldest first, and requests are taken again.
    await until(async () => (await queueCount(gateway.url)).status === 200, 8_000);
    const expired = await fetch(earlyResult);
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({ code: 'request_expired' });
    const holdId = String(holding.response.headers['x-request-id']);
    const holdStream = await fetch(`${gateway.url}/budget/hold/requests/${holdId}/stream`);
    expect(holdStream.status).toBe(410);
    expect(await metric(gateway.url, 'sluice_memory_dropped_logs_total')).toBeGreaterThanOrEqual(2);
    expect(await metric(gateway.url, 'sluice_memory_used_bytes')).toBeLessThan(256 * KIB);
  });

  it('past its ceiling (1.25 times it), refuses a live run’s appends: the run fails, the process lives', async () => {
    await using gateway = await startGateway({
      apps: [holdApp, countApp],
      memoryBudgetBytes: 256 * KIB,
    });
    const received = await readEvents(
      await send(`${gateway.url}/budget/hold/stream`, {
        method: 'POST',
        body: JSON.stringify({ outputs: 400, hold_ms: 0 }),
      }),
    );
    const last = received.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ code: 'event_log_full' });
    expect(received.length).toBeLessThan(400);
  });

  it('remembers ended requests’ timings within a tenth of it: the oldest are forgotten first', async () => {
    // 256 KiB: a tenth holds 25 ended requests of the 1 KiB each is counted at.
    await using gateway = await startGateway({ apps: [countApp], memoryBudgetBytes: 256 * KIB });
    const ids: string[] = [];
    for (let index = 0; index < 60; index++) {
      const { request_id } = (await (await queueCount(gateway.url)).json()) as {
        request_id: string;
      };
      const status = `${gateway.url}/queue/test/count/requests/${request_id}/status`;
      await until(
        async () =>
          ((await (await fetch(status)).json()) as { status: string }).status === 'COMPLETED',
      );
      ids.push(request_id);
    }
    const remembered = await Promise.all(ids.map((id) => gateway.dispatcher.progress(id)));
    expect(remembered.slice(0, 35).every((progress) => progress === undefined)).toBe(true);
    expect(remembered.slice(35).every((progress) => progress?.state === 'ended')).toBe(true);
    // Its status still answers from the event log, without the timings.
    const first = await fetch(`${gateway.url}/queue/test/count/requests/${ids[0]}/status`);
    expect(await first.json()).toMatchObject({
      status: 'COMPLETED',
      metrics: { inference_time: null },
    });
  });
});

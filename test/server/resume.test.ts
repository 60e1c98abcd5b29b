import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

async function startAndDrop(url: string, body: object, keep: number) {
  const exchange = await send(`${url}/test/count/stream`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  const requestId = String(exchange.response.headers['x-request-id']);
  const seen = await readEvents(exchange, (_event, all) =>
    all.length === keep ? 'stop' : undefined,
  );
  return { requestId, seen };
}

describe('attach and resume', () => {
  it('resuming after a mid-stream disconnect yields exactly the missing events (Last-Event-ID header)', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const { requestId, seen } = await startAndDrop(gateway.url, { n: 40, delay_ms: 5 }, 7);
    const resumed = await send(`${gateway.url}/test/count/requests/${requestId}/stream`, {
      headers: { 'last-event-id': '7' },
    });
    const rest = await readEvents(resumed);
    expect(seen.map((event) => Number(event.id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rest.map((event) => Number(event.id))).toEqual(
      Array.from({ length: 34 }, (_, index) => index + 8),
    );
    expect(resumed.response.headers['x-request-id']).toBe(requestId);
  });

  it('resumes from ?last_event_id= after the run has finished', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const { requestId } = await startAndDrop(gateway.url, { n: 10, delay_ms: 2 }, 2);
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended');
    const resumed = await send(
      `${gateway.url}/test/count/requests/${requestId}/stream?last_event_id=4`,
    );
    const rest = await readEvents(resumed);
    expect(rest.map((event) => Number(event.id))).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(rest.at(-1)?.event).toBe('result');
  });

  it('attaching from the start replays everything; at the terminal event it ends at once', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const { requestId } = await startAndDrop(gateway.url, { n: 3 }, 1);
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended');
    const attach = `${gateway.url}/test/count/requests/${requestId}/stream`;
    const all = await readEvents(await send(attach));
    expect(all.map((event) => event.event)).toEqual(['output', 'output', 'output', 'result']);
    const none = await readEvents(await send(attach, { headers: { 'last-event-id': '4' } }));
    expect(none).toEqual([]);
  });

  it('many cursors on one request see identical sequences', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const { requestId } = await startAndDrop(gateway.url, { n: 50, delay_ms: 3 }, 1);
    const attach = `${gateway.url}/test/count/requests/${requestId}/stream`;
    const cursors = await Promise.all(
      Array.from({ length: 20 }, async () => readEvents(await send(attach))),
    );
    const expected = Array.from({ length: 51 }, (_, index) => String(index + 1));
    for (const events of cursors) expect(events.map((event) => event.id)).toEqual(expected);
  });
});

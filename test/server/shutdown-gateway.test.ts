import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/server/create-gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { gateApp, gateLog, releaseGate } from '../fixtures/queue-apps.js';
import { QueueClient } from '../queue/queue-client.js';

beforeEach(() => {
  gateLog.started.length = 0;
  gateLog.aborted.length = 0;
});

async function started(shutdownDeadlineMs: number) {
  const gateway = await createGateway({ apps: [gateApp], logger: false, shutdownDeadlineMs });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { gateway, url, queue: new QueueClient(url, 'qtest/gate') };
}

describe('gateway.close()', () => {
  it('refuses new runs with 503, ends queued requests, and lets a running one finish', async () => {
    const { gateway, url, queue } = await started(10_000);
    const [running, waiting] = [`running-${randomUUID()}`, `waiting-${randomUUID()}`];
    const runningId = await queue.submitId({ key: running });
    await queue.waitFor(runningId, 'IN_PROGRESS');
    const waitingId = await queue.submitId({ key: waiting });
    const events = readEvents(await send(`${url}/qtest/gate/requests/${runningId}/stream`));
    const closed = gateway.close();
    await until(() => gateway.dispatcher.isClosing);
    const refused = await queue.submit({ key: 'refused' });
    expect(refused.status).toBe(503);
    expect(refused.body.error_type).toBe('app_unavailable');
    expect(refused.headers.get('retry-after')).toBe('1');
    const ended = await queue.waitFor(waitingId, 'COMPLETED');
    expect(ended.body).toMatchObject({
      error_type: 'cancelled',
      error: 'The server is shutting down',
    });
    expect((await queue.status(runningId)).body.status).toBe('IN_PROGRESS');
    releaseGate(running);
    await closed;
    expect((await events).at(-1)).toMatchObject({
      event: 'result',
      data: JSON.stringify({ key: running }),
    });
    expect(gateLog.started).toEqual([running]);
  });

  it('with no deadline cancels running runs at once, each stream getting its terminal event', async () => {
    const { gateway, url } = await started(0);
    const key = `cut-${randomUUID()}`;
    const exchange = await send(`${url}/qtest/gate/stream`, {
      method: 'POST',
      body: JSON.stringify({ key }),
    });
    const events = readEvents(exchange);
    await until(() => gateLog.started.includes(key));
    await gateway.close();
    const terminal = (await events).at(-1)!;
    expect(terminal.event).toBe('error');
    expect(JSON.parse(terminal.data)).toMatchObject({ code: 'cancelled' });
    expect(gateLog.aborted).toEqual([key]);
  });
});

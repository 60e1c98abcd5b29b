import { beforeEach, describe, expect, it } from 'vitest';
import { startGatewayOn, type GatewayBackend } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';
import { gateApp, gateLog, releaseGate, resetGateLog, uniqueKey } from '../fixtures/queue-apps.js';
import { QueueClient } from './queue-client.js';

/**
 * Cancel, and what a queue request does with no client attached: the same on every backend.
 *
 * @example
 * describeQueueCancel('redis');
 */
export function describeQueueCancel(backend: GatewayBackend): void {
  beforeEach(resetGateLog);

  describe(`cancel (${backend})`, () => {
    it('removes a queued request: it never starts, and ends with cancelled', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const blocker = uniqueKey('blocker');
      const first = await queue.submitId({ key: blocker });
      await queue.waitFor(first, 'IN_PROGRESS');
      const queued = await queue.submitId({ key: uniqueKey('queued') });
      const cancelled = await queue.cancel(queued);
      expect(cancelled).toMatchObject({ status: 202, body: { status: 'CANCELLATION_REQUESTED' } });
      expect((await queue.status(queued)).body).toMatchObject({
        status: 'COMPLETED',
        error_type: 'cancelled',
      });
      const result = await queue.result(queued);
      expect(result.status).toBe(499);
      expect(result.headers.get('x-fal-error-type')).toBe('cancelled');
      releaseGate(blocker);
      await queue.waitFor(first, 'COMPLETED');
      expect(gateLog.started).toEqual([blocker]);
      // A Redis gateway reads the depth from Redis after each change, so it may lag a little.
      await until(() => gateway.dispatcher.queueDepth === 0);
    });

    it('aborts a running request through ctx.signal; a finished one is ALREADY_COMPLETED', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const key = uniqueKey('running');
      const requestId = await queue.submitId({ key });
      await queue.waitFor(requestId, 'IN_PROGRESS');
      expect((await queue.cancel(requestId)).status).toBe(202);
      const done = await queue.waitFor(requestId, 'COMPLETED');
      expect(done.body.error_type).toBe('cancelled');
      expect(gateLog.aborted).toEqual([key]);
      expect(await queue.cancel(requestId)).toMatchObject({
        status: 400,
        body: { status: 'ALREADY_COMPLETED' },
      });
    });

    it('cancels a stream request too; another key’s request is request_not_found', async () => {
      await using gateway = await startGatewayOn(backend, {
        apps: [gateApp],
        apiKeys: ['key-one', 'key-two'],
      });
      const auth = { authorization: 'Key key-one' };
      const key = uniqueKey('stream');
      const exchange = await send(`${gateway.url}/qtest/gate/stream`, {
        method: 'POST',
        body: JSON.stringify({ key }),
        headers: auth,
      });
      const requestId = String(exchange.response.headers['x-request-id']);
      const events = readEvents(exchange);
      await until(() => gateLog.started.includes(key));
      const stranger = new QueueClient(gateway.url, 'qtest/gate', {
        authorization: 'Key key-two',
      });
      const refused = await stranger.cancel(requestId);
      expect(refused).toMatchObject({ status: 404, body: { error_type: 'request_not_found' } });
      const owner = new QueueClient(gateway.url, 'qtest/gate', auth);
      expect((await owner.cancel(requestId)).status).toBe(202);
      const terminal = (await events).at(-1)!;
      expect(terminal.event).toBe('error');
      expect(JSON.parse(terminal.data)).toMatchObject({ code: 'cancelled', request_id: requestId });
      expect(gateLog.aborted).toEqual([key]);
    });
  });

  describe(`no client attached (${backend})`, () => {
    it('a queue request outlives the cancel grace period: only cancel stops it', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp], cancelGraceMs: 20 });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const key = uniqueKey('detached');
      const requestId = await queue.submitId({ key });
      await queue.waitFor(requestId, 'IN_PROGRESS');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await queue.status(requestId)).body.status).toBe('IN_PROGRESS');
      releaseGate(key);
      expect((await queue.result(requestId)).body).toEqual({ key });
      expect(gateLog.aborted).toEqual([]);
    });
  });
}

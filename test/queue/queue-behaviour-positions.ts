import { beforeEach, describe, expect, it } from 'vitest';
import { startGatewayOn, type GatewayBackend } from '../support/gateway.js';
import { gateApp, gateLog, releaseGate, resetGateLog, uniqueKey } from '../fixtures/queue-apps.js';
import { QueueClient } from './queue-client.js';

/**
 * Queue positions, priorities and start timeouts, the same on every backend.
 *
 * @example
 * describeQueuePositions('memory');
 */
export function describeQueuePositions(backend: GatewayBackend): void {
  beforeEach(resetGateLog);

  describe(`queue positions and priorities (${backend})`, () => {
    it('IN_QUEUE carries the position, which moves up as runs end', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const [a, b, c] = [uniqueKey('a'), uniqueKey('b'), uniqueKey('c')];
      const first = await queue.submitId({ key: a });
      await queue.waitFor(first, 'IN_PROGRESS');
      const second = await queue.submit({ key: b });
      const third = await queue.submit({ key: c });
      expect(second.body.queue_position).toBe(0);
      expect(third.body.queue_position).toBe(1);
      const thirdId = String(third.body.request_id);
      expect((await queue.status(thirdId)).body).toMatchObject({
        status: 'IN_QUEUE',
        queue_position: 1,
      });
      releaseGate(a);
      await queue.waitFor(String(second.body.request_id), 'IN_PROGRESS');
      expect((await queue.status(thirdId)).body).toMatchObject({
        status: 'IN_QUEUE',
        queue_position: 0,
      });
      releaseGate(b);
      releaseGate(c);
      await queue.waitFor(thirdId, 'COMPLETED');
    });

    it('starts higher priorities first: x-sluice-priority, then normal, then fal’s low', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const keys = {
        blocker: uniqueKey('blocker'),
        low: uniqueKey('low'),
        normal: uniqueKey('normal'),
        high: uniqueKey('high'),
      };
      const blocker = await queue.submitId({ key: keys.blocker });
      await queue.waitFor(blocker, 'IN_PROGRESS');
      const waiting = [
        await queue.submitId({ key: keys.low }, { headers: { 'x-fal-queue-priority': 'low' } }),
        await queue.submitId(
          { key: keys.normal },
          { headers: { 'x-fal-queue-priority': 'normal' } },
        ),
        await queue.submitId({ key: keys.high }, { headers: { 'x-sluice-priority': '5' } }),
      ];
      for (const key of Object.values(keys)) releaseGate(key);
      for (const requestId of [blocker, ...waiting]) await queue.result(requestId);
      expect(gateLog.started).toEqual([keys.blocker, keys.high, keys.normal, keys.low]);
    });

    it('a request not started within x-fal-request-timeout ends with timeout (504, user)', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const blocker = uniqueKey('blocker');
      const first = await queue.submitId({ key: blocker });
      await queue.waitFor(first, 'IN_PROGRESS');
      const late = await queue.submitId(
        { key: uniqueKey('late') },
        { headers: { 'x-fal-request-timeout': '0.2' } },
      );
      const done = await queue.waitFor(late, 'COMPLETED');
      expect(done.body).toMatchObject({ error_type: 'timeout', metrics: { inference_time: null } });
      const result = await queue.result(late);
      expect(result.status).toBe(504);
      expect(result.headers.get('x-fal-request-timeout-type')).toBe('user');
      expect(result.headers.get('x-fal-error-type')).toBe('timeout');
      releaseGate(blocker);
      await queue.waitFor(first, 'COMPLETED');
      expect(gateLog.started).toEqual([blocker]);
    });
  });
}

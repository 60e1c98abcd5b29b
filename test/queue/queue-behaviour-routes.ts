import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { startGatewayOn, type GatewayBackend } from '../support/gateway.js';
import { readEvents, send } from '../support/sse-client.js';
import { countApp, failingApp } from '../support/test-apps.js';
import { gateApp, releaseGate, resetGateLog, uniqueKey } from '../fixtures/queue-apps.js';
import { QueueClient } from './queue-client.js';

/**
 * The queue routes: submit, status, result, attach and their errors, the same on every backend.
 *
 * @example
 * describeQueueRoutes('redis');
 */
export function describeQueueRoutes(backend: GatewayBackend): void {
  beforeEach(resetGateLog);

  describe(`queue submit, status and result (${backend})`, () => {
    it('answers fal’s submit shape, then COMPLETED with logs, metrics and the result', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const key = uniqueKey('one');
      const submitted = await queue.submit({ key });
      expect(submitted.status).toBe(200);
      const requestId = String(submitted.body.request_id);
      const root = `${gateway.url}/queue/qtest/gate/requests/${requestId}`;
      expect(submitted.body).toEqual({
        request_id: requestId,
        status: 'IN_QUEUE',
        queue_position: 0,
        status_url: `${root}/status`,
        response_url: root,
        cancel_url: `${root}/cancel`,
        stream_url: `${gateway.url}/qtest/gate/requests/${requestId}/stream`,
      });
      expect(submitted.headers.get('x-fal-request-id')).toBe(requestId);
      // A worker in another process may report IN_PROGRESS before the run's first log lands.
      const running = await queue.waitUntil(
        requestId,
        (status) => status.status === 'IN_PROGRESS' && (status.logs as unknown[]).length > 0,
      );
      expect(running.body.logs).toEqual([
        {
          message: `started ${key}`,
          level: 'INFO',
          source: 'USER',
          timestamp: expect.any(String) as string,
        },
      ]);
      releaseGate(key);
      const done = await queue.waitFor(requestId, 'COMPLETED');
      expect(done.body).toMatchObject({
        request_id: requestId,
        status: 'COMPLETED',
        response_url: root,
      });
      expect((done.body.logs as unknown[]).length).toBe(2);
      expect(done.body.logs).toContainEqual(
        expect.objectContaining({ message: `finishing ${key}`, level: 'WARN' }),
      );
      expect(done.body.metrics).toEqual({ inference_time: expect.any(Number) as number });
      expect(done.body).not.toHaveProperty('error');
      const withoutLogs = await queue.status(requestId);
      expect(withoutLogs.body.logs).toEqual([]);
      const result = await queue.result(requestId);
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ key });
      expect(result.headers.get('x-fal-request-id')).toBe(requestId);
    });

    it('reports a failed run as COMPLETED with error and error_type; the result is the error', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [failingApp] });
      const queue = new QueueClient(gateway.url, 'test/failing');
      const requestId = await queue.submitId({});
      const done = await queue.waitFor(requestId, 'COMPLETED');
      expect(done.body).toMatchObject({
        status: 'COMPLETED',
        error_type: 'app_error',
        error: expect.any(String) as string,
      });
      expect(String(done.body.error)).not.toContain('secret');
      const result = await queue.result(requestId);
      expect(result.status).toBe(500);
      expect(result.headers.get('x-fal-error-type')).toBe('app_error');
      expect(result.body).toMatchObject({
        error_type: 'app_error',
        detail: expect.any(String) as string,
      });
    });

    it('the result route waits for a queued request to end', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [gateApp] });
      const queue = new QueueClient(gateway.url, 'qtest/gate');
      const key = uniqueKey('wait');
      const requestId = await queue.submitId({ key });
      const pending = queue.result(requestId);
      await queue.waitFor(requestId, 'IN_PROGRESS');
      releaseGate(key);
      expect((await pending).body).toEqual({ key });
    });

    it('serves a queue request’s events on the attach route', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [countApp] });
      const queue = new QueueClient(gateway.url, 'test/count');
      const requestId = await queue.submitId({ n: 3 });
      const exchange = await send(`${gateway.url}/test/count/requests/${requestId}/stream`);
      const events = await readEvents(exchange);
      expect(events.map((event) => event.event)).toEqual(['output', 'output', 'output', 'result']);
    });

    it('an unknown id is request_not_found on every route', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [countApp] });
      const queue = new QueueClient(gateway.url, 'test/count');
      const id = randomUUID();
      for (const answer of [
        await queue.status(id),
        await queue.result(id),
        await queue.cancel(id),
      ]) {
        expect(answer.status).toBe(404);
        expect(answer.body.error_type).toBe('request_not_found');
      }
    });

    it('a path with no endpoint is not_found', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [countApp] });
      const answer = await new QueueClient(gateway.url, 'test/nothing').submit({});
      expect(answer.status).toBe(404);
      expect(answer.body.error_type).toBe('not_found');
    });

    it('a queue path with the wrong method is method_not_allowed with Allow', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [countApp] });
      const id = randomUUID();
      const cases = [
        ['GET', '/queue/test/count', 'POST'],
        ['DELETE', `/queue/test/count/requests/${id}/cancel`, 'PUT'],
        ['POST', `/queue/test/count/requests/${id}/status`, 'GET, HEAD'],
      ] as const;
      for (const [method, path, allow] of cases) {
        const response = await fetch(`${gateway.url}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe(allow);
        expect(await response.json()).toMatchObject({ error_type: 'method_not_allowed' });
      }
    });

    it('invalid input and malformed queue headers are invalid_input with the field named', async () => {
      await using gateway = await startGatewayOn(backend, { apps: [countApp] });
      const queue = new QueueClient(gateway.url, 'test/count');
      const badInput = await queue.submit({ n: -1 });
      expect(badInput.status).toBe(422);
      const cases: { headers: Record<string, string>; loc: string[] }[] = [
        { headers: { 'x-sluice-priority': 'high' }, loc: ['header', 'x-sluice-priority'] },
        { headers: { 'x-fal-queue-priority': 'urgent' }, loc: ['header', 'x-fal-queue-priority'] },
        { headers: { 'x-fal-request-timeout': '-3' }, loc: ['header', 'x-fal-request-timeout'] },
      ];
      for (const { headers, loc } of cases) {
        const answer = await queue.submit({}, { headers });
        expect(answer.status).toBe(422);
        expect(answer.body).toMatchObject({
          error_type: 'invalid_input',
          detail: [expect.objectContaining({ loc })],
        });
      }
      const webhook = await queue.submit({}, { query: 'fal_webhook=ftp://example.com/' });
      expect(webhook.status).toBe(422);
      expect(webhook.body.detail).toEqual([
        expect.objectContaining({ loc: ['query', 'fal_webhook'] }),
      ]);
    });
  });
}

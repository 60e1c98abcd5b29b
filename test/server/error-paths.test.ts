import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { expireEnded } from '../support/expire.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { parseEvents, readText, send, streamAll, until, runToEnd } from '../support/sse-client.js';
import { brokenSetupApp, countApp, failingApp } from '../support/test-apps.js';

async function call(gateway: TestGateway, path: string, options: Parameters<typeof send>[1] = {}) {
  const { response } = await send(`${gateway.url}${path}`, options);
  const text = await readText(response);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function stillServes(gateway: TestGateway) {
  const result = await call(gateway, '/test/count', { method: 'POST', body: '{"n":2}' });
  expect(result).toMatchObject({ status: 200, body: { count: 2 } });
}

describe('bad requests get a precise error and the server keeps serving', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const result = await call(gateway, '/test/count', { method: 'POST', body: '{"n":' });
    expect(result).toMatchObject({
      status: 400,
      body: { code: 'invalid_json', error_type: 'invalid_json' },
    });
    await stillServes(gateway);
  });

  it('an empty JSON body, as fal sends for no input, and no body at all use the defaults', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const empty = await call(gateway, '/test/count', { method: 'POST', body: '' });
    expect(empty).toMatchObject({ status: 200, body: { count: 5 } });
    const blank = await call(gateway, '/test/count', { method: 'POST', body: ' ' });
    expect(blank).toMatchObject({ status: 400, body: { code: 'invalid_json' } });
    const none = await call(gateway, '/test/count', { method: 'POST' });
    expect(none).toMatchObject({ status: 200, body: { count: 5 } });
  });

  it('a wrong content type → 415 unsupported_media_type', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const result = await call(gateway, '/test/count', {
      method: 'POST',
      body: 'n=3',
      headers: { 'content-type': 'text/plain' },
    });
    expect(result).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    await stillServes(gateway);
  });

  it('a schema violation → 422 listing each field path and message', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const result = await call(gateway, '/test/count/stream', {
      method: 'POST',
      body: '{"n":-1,"text":7}',
    });
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({ code: 'invalid_input', error_type: 'invalid_input' });
    const detail = result.body.detail as Array<{ loc: unknown[]; msg: string; type: string }>;
    expect(detail.map((field) => field.loc)).toEqual([
      ['body', 'n'],
      ['body', 'text'],
    ]);
    expect(detail.every((field) => field.msg.length > 0 && field.type.length > 0)).toBe(true);
  });

  it('an unknown field → 422 naming it; a body that is not an object → 422', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const unknown = await call(gateway, '/test/count', {
      method: 'POST',
      body: '{"n":1,"stpes":3}',
    });
    expect(unknown).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'stpes'], type: 'unrecognized_keys' }] },
    });
    const array = await call(gateway, '/test/count', { method: 'POST', body: '[1,2]' });
    expect(array).toMatchObject({ status: 422, body: { code: 'invalid_input' } });
  });

  it('an oversized body → 413 payload_too_large, with a configurable limit', async () => {
    await using gateway = await startGateway({ apps: [countApp], bodyLimitBytes: 1024 });
    const body = JSON.stringify({ n: 1, text: 'x'.repeat(2048) });
    const result = await call(gateway, '/test/count', { method: 'POST', body });
    expect(result).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    await stillServes(gateway);
  });

  it('the default body limit is 10 MiB', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const fits = JSON.stringify({ n: 1, text: 'x'.repeat(9 * 1024 * 1024) });
    const tooBig = JSON.stringify({ n: 1, text: 'x'.repeat(10 * 1024 * 1024) });
    expect((await call(gateway, '/test/count', { method: 'POST', body: fits })).status).toBe(200);
    expect((await call(gateway, '/test/count', { method: 'POST', body: tooBig })).status).toBe(413);
  });

  it('an unknown app or endpoint → 404 not_found', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    expect(await call(gateway, '/test/nope', { method: 'POST', body: '{}' })).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
    expect(
      await call(gateway, '/test/count/nope/stream', { method: 'POST', body: '{}' }),
    ).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await call(gateway, '/nothing')).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
  });

  it('an unknown request id → 404 request_not_found', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const result = await call(
      gateway,
      '/test/count/requests/00000000-0000-4000-8000-000000000000/stream',
    );
    expect(result).toMatchObject({ status: 404, body: { code: 'request_not_found' } });
  });

  it('the wrong method → 405 method_not_allowed with Allow', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const getRun = await call(gateway, '/test/count');
    expect(getRun).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
    expect(getRun.headers.allow).toBe('POST');
    const postAttach = await call(gateway, '/test/count/requests/abc/stream', {
      method: 'POST',
      body: '{}',
    });
    expect(postAttach).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
    expect(postAttach.headers.allow).toBe('GET, HEAD');
    expect(await call(gateway, '/apps', { method: 'DELETE' })).toMatchObject({ status: 405 });
  });

  it('a bad or impossible Last-Event-ID → 422 invalid_input', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const requestId = await runToEnd(`${gateway.url}/test/count/stream`, '{"n":2}');
    const path = `/test/count/requests/${requestId}/stream`;
    expect(await call(gateway, path, { headers: { 'last-event-id': 'abc' } })).toMatchObject({
      status: 422,
      body: { code: 'invalid_input' },
    });
    expect(await call(gateway, `${path}?last_event_id=-1`)).toMatchObject({ status: 422 });
    // Past a finished request's terminal event is no error: 204 tells EventSource to stop.
    expect(await call(gateway, `${path}?last_event_id=99`)).toMatchObject({ status: 204 });
  });

  it('an app that throws: the sync call answers 500 app_error without the exception text', async () => {
    await using gateway = await startGateway({ apps: [countApp, failingApp] });
    const result = await call(gateway, '/test/failing', { method: 'POST', body: '{}' });
    expect(result).toMatchObject({ status: 500, body: { code: 'app_error' } });
    expect(JSON.stringify(result.body)).not.toContain('secret');
    expect(result.headers['x-request-id']).toBeDefined();
    await stillServes(gateway);
  });

  it('an app that throws mid-stream: an error event ends the stream', async () => {
    await using gateway = await startGateway({ apps: [countApp, failingApp] });
    const events = await streamAll(`${gateway.url}/test/failing/stream`, {});
    expect(events.map((event) => event.event)).toEqual(['output', 'error']);
    const error = JSON.parse(events[1]!.data) as Record<string, unknown>;
    expect(error).toMatchObject({ code: 'app_error', retryable: false });
    expect(error.request_id).toMatch(/^[0-9a-f-]{36}$/);
    await stillServes(gateway);
  });

  it('an app whose setup failed → 503 app_unavailable; /ready names it', async () => {
    await using gateway = await startGateway({ apps: [countApp, brokenSetupApp] });
    await until(async () => (await call(gateway, '/ready')).body.apps !== undefined);
    await until(() => gateway.runtime.status('test/broken-setup').state === 'failed');
    const ready = await call(gateway, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      ready: false,
      apps: {
        'test/broken-setup': { state: 'failed', reason: 'setup failed' },
        'test/count': { state: 'ready' },
      },
    });
    const run = await call(gateway, '/test/broken-setup', { method: 'POST', body: '{}' });
    expect(run).toMatchObject({ status: 503, body: { code: 'app_unavailable' } });
    await stillServes(gateway);
  });

  it('an expired request → 410 request_expired, distinct from an unknown one', async () => {
    const eventLog = new MemoryEventLog({ retentionMs: 1 });
    await using gateway = await startGateway({ apps: [countApp], eventLog });
    const { response } = await send(`${gateway.url}/test/count/stream`, {
      method: 'POST',
      body: '{"n":1}',
    });
    const requestId = String(response.headers['x-request-id']);
    expect(parseEvents(await readText(response)).at(-1)?.event).toBe('result');
    await expireEnded(eventLog);
    const result = await call(gateway, `/test/count/requests/${requestId}/stream`);
    expect(result).toMatchObject({ status: 410, body: { code: 'request_expired' } });
  });

  it('a URL that cannot be decoded → 404 not_found in sluice’s shape, without echoing it', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const result = await call(gateway, '/test/%E0%A4%A', { method: 'POST', body: '{}' });
    expect(result).toMatchObject({
      status: 404,
      body: { code: 'not_found', error_type: 'not_found' },
    });
    expect(JSON.stringify(result.body)).not.toContain('%E0');
  });

  it('a JSON null body → 422, and an unknown field is named only in loc', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    expect(await call(gateway, '/test/count', { method: 'POST', body: 'null' })).toMatchObject({
      status: 422,
    });
    const unknown = await call(gateway, '/test/count', { method: 'POST', body: '{"<script>":1}' });
    expect(unknown.body.detail).toEqual([
      { loc: ['body', '<script>'], msg: 'Unknown field', type: 'unrecognized_keys' },
    ]);
  });

  it('refuses a heartbeat interval that would flood every stream', async () => {
    await expect(startGateway({ apps: [countApp], heartbeatMs: 0 })).rejects.toThrow(TypeError);
  });
});

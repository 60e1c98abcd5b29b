import { describe, expect, it } from 'vitest';
import { startGateway, startGatewayOn, type TestGateway } from '../support/gateway.js';
import { countApp } from '../support/test-apps.js';
import { rawExchange } from './raw-exchange.js';

function expectShape(body: Record<string, unknown>, code: string) {
  expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'error_type']);
  expect(body).toMatchObject({ code, error_type: code });
}

async function stillServes(gateway: TestGateway) {
  const response = await fetch(`${gateway.url}/test/count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"n":2}',
  });
  expect(await response.json()).toMatchObject({ count: 2 });
}

function request(line: string, headers: string[] = [], body = ''): string {
  return [line, 'host: 127.0.0.1', ...headers, '', body].join('\r\n');
}

describe('what fails before routing is answered in sluice’s shape, then closed', () => {
  const cases: [string, string, number, string][] = [
    ['a garbled request line', 'garbage\r\n\r\n', 400, 'bad_request'],
    ['an unknown method', request('FROB / HTTP/1.1', ['', '']), 400, 'bad_request'],
    [
      'Content-Length with Transfer-Encoding',
      request(
        'POST /test/count HTTP/1.1',
        ['content-length: 3', 'transfer-encoding: chunked', ''],
        '0\r\n\r\n',
      ),
      400,
      'bad_request',
    ],
    [
      'a URL over 16 KB',
      request(`GET /${'a'.repeat(17_000)} HTTP/1.1`, ['', '']),
      431,
      'headers_too_large',
    ],
    [
      'a header over 16 KB',
      request('GET /health HTTP/1.1', [`x-big: ${'b'.repeat(17_000)}`, '', '']),
      431,
      'headers_too_large',
    ],
  ];
  it.each(cases)('%s', async (...[, bytes, status, code]) => {
    await using gateway = await startGateway({ apps: [countApp] });
    const answer = await rawExchange(gateway.url, bytes);
    expect(answer).toMatchObject({ status, closed: true });
    expectShape(answer.body, code);
    expect(answer.head).toMatch(/connection: close/i);
    await stillServes(gateway);
  });
});

describe('a wrong method on any existing path answers 405 with Allow', () => {
  it.each(['/metrics', '/', '/docs', '/health', '/playground/app.js'])('%s', async (path) => {
    await using gateway = await startGateway({ apps: [countApp] });
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const response = await fetch(`${gateway.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(await response.json()).toMatchObject({ code: 'method_not_allowed' });
    }
  });
});

describe.each(['memory', 'redis'] as const)('client input never causes a 500 (%s)', (backend) => {
  it('a request id not in the server’s format is no request, before any lookup', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const ids = [
      'abc',
      'A'.repeat(99),
      '00000000-0000-0000-0000-00000000000g',
      '%00',
      'x.y',
      'DROP%20TABLE',
    ];
    for (const id of ids) {
      for (const path of [
        `/queue/test/count/requests/${id}/status`,
        `/queue/test/count/requests/${id}`,
        `/test/count/requests/${id}/stream`,
      ]) {
        const response = await fetch(`${gateway.url}${path}`);
        expect(response.status, path).toBe(404);
        expect(await response.json()).toMatchObject({ code: 'request_not_found' });
      }
      const cancel = await fetch(`${gateway.url}/queue/test/count/requests/${id}/cancel`, {
        method: 'PUT',
      });
      expect(cancel.status).toBe(404);
    }
  });

  it('a request id over 100 characters answers 404 not_found', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    for (const length of [101, 150, 5_000]) {
      const id = 'a'.repeat(length);
      const response = await fetch(`${gateway.url}/queue/test/count/requests/${id}/status`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found' });
    }
    await stillServes(gateway);
  });

  it('priorities are parsed as numbers or fal’s names only: anything else is 422', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const bad: [string, string][] = [
      ['x-fal-queue-priority', '__proto__'],
      ['x-fal-queue-priority', 'constructor'],
      ['x-fal-queue-priority', 'toString'],
      ['x-fal-queue-priority', '{}'],
      ['x-sluice-priority', '__proto__'],
      ['x-sluice-priority', '1e400'],
      ['x-sluice-priority', '0x10'],
      ['x-sluice-priority', '[1]'],
    ];
    for (const [header, value] of bad) {
      const response = await fetch(`${gateway.url}/queue/test/count`, {
        method: 'POST',
        headers: { [header]: value },
      });
      expect(response.status, `${header}: ${value}`).toBe(422);
      expect(await response.json()).toMatchObject({ code: 'invalid_input' });
    }
    const low = await fetch(`${gateway.url}/queue/test/count`, {
      method: 'POST',
      headers: { 'x-fal-queue-priority': 'LOW' },
    });
    expect(low.status).toBe(200);
  });

  it('JSON nested deeper than 64 levels is 422 before it reaches any backend', async () => {
    await using gateway = await startGatewayOn(backend, { apps: [countApp] });
    const nested = (depth: number) =>
      `{"n":1,"text":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    for (const depth of [65, 5_000, 100_000]) {
      const response = await fetch(`${gateway.url}/queue/test/count`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: nested(depth),
      });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        code: 'invalid_input',
        detail: [{ loc: ['body'], type: 'too_deep' }],
      });
    }
    // 64 levels reach the schema, which has its own word about a text that is an array.
    const allowed = await fetch(`${gateway.url}/test/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: nested(64),
    });
    expect(await allowed.json()).toMatchObject({ detail: [{ loc: ['body', 'text'] }] });
    // Brackets inside strings are text, not nesting.
    const inString = await fetch(`${gateway.url}/test/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 1, text: '['.repeat(1_000) }),
    });
    expect(inString.status).toBe(200);
  });
});

describe('queue URLs never come from the Host header', () => {
  it('without a public URL they use the address the connection came in on', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const answer = await rawExchange(
      gateway.url,
      request(
        'POST /queue/test/count HTTP/1.1',
        ['host: evil.example', 'content-length: 0', 'connection: close', ''],
        '',
      ),
    );
    expect(answer.status).toBe(200);
    const id = String(answer.body.request_id);
    expect(answer.body.status_url).toBe(`${gateway.url}/queue/test/count/requests/${id}/status`);
    expect(JSON.stringify(answer.body)).not.toContain('evil');
  });

  it('with a public URL every URL starts with it, on submit and on status', async () => {
    await using gateway = await startGateway({
      apps: [countApp],
      publicUrl: 'https://api.example.com/sluice/',
    });
    const submitted = await fetch(`${gateway.url}/queue/test/count`, {
      method: 'POST',
      headers: { host: 'evil.example' },
    });
    const body = (await submitted.json()) as Record<string, string>;
    const root = `https://api.example.com/sluice/queue/test/count/requests/${body.request_id}`;
    expect(body).toMatchObject({
      status_url: `${root}/status`,
      response_url: root,
      cancel_url: `${root}/cancel`,
      stream_url: `https://api.example.com/sluice/test/count/requests/${body.request_id}/stream`,
    });
    const status = await fetch(
      `${gateway.url}/queue/test/count/requests/${body.request_id}/status`,
    );
    expect(await status.json()).toMatchObject({ response_url: root });
  });

  it('refuses a public URL that is not http or https', async () => {
    await expect(startGateway({ apps: [countApp], publicUrl: 'ftp://x' })).rejects.toThrow(
      'publicUrl',
    );
  });
});

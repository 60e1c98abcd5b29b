import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../browser-support/chromium.js';
import { startGateway } from '../support/gateway.js';
import { send } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

const KEY = 'cors-test-key';

/** A page on its own origin: the browser treats calls to the gateway as cross-origin. */
async function servePage(): Promise<Server & AsyncDisposable & { url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>another origin</title><p>calls the API</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(server, {
    // `localhost`, not 127.0.0.1: another host, so another origin than the gateway's.
    url: `http://localhost:${port}`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** What the page's calls saw, run in the page with `fetch`. */
interface Seen {
  json: { status: number; requestId: string | null; count: unknown };
  stream: { status: number; requestId: string | null; events: number };
  attach: { status: number; firstId: string | undefined };
  queue: { submit: number; status: unknown; result: unknown };
  unauthorized: number;
}

async function callsFromPage(gatewayUrl: string, appId: string, key: string): Promise<Seen> {
  const headers = { authorization: `Key ${key}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ n: 3 });
  const json = await fetch(`${gatewayUrl}/${appId}`, { method: 'POST', headers, body });
  const jsonBody = (await json.json()) as { count: unknown };
  const stream = await fetch(`${gatewayUrl}/${appId}/stream`, { method: 'POST', headers, body });
  const streamText = await stream.text();
  const requestId = stream.headers.get('x-request-id');
  const attach = await fetch(`${gatewayUrl}/${appId}/requests/${requestId}/stream`, {
    headers: { authorization: `Key ${key}`, 'last-event-id': '1' },
  });
  const attachText = await attach.text();
  const submit = await fetch(`${gatewayUrl}/queue/${appId}`, { method: 'POST', headers, body });
  const submitted = (await submit.json()) as { status_url: string; response_url: string };
  let status: { status?: string } = {};
  for (let attempt = 0; attempt < 100 && status.status !== 'COMPLETED'; attempt++) {
    const answer = await fetch(submitted.status_url, { headers });
    status = (await answer.json()) as { status?: string };
    if (status.status !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const result: unknown = await (await fetch(submitted.response_url, { headers })).json();
  const unauthorized = await fetch(`${gatewayUrl}/${appId}`, { method: 'POST', body });
  return {
    json: {
      status: json.status,
      requestId: json.headers.get('x-request-id'),
      count: jsonBody.count,
    },
    stream: {
      status: stream.status,
      requestId,
      events: (streamText.match(/^event: output$/gm) ?? []).length,
    },
    attach: { status: attach.status, firstId: /^id: (\d+)$/m.exec(attachText)?.[1] },
    queue: { submit: submit.status, status: status.status, result },
    unauthorized: unauthorized.status,
  };
}

describe('CORS: a page on another origin calls the API in Chromium', () => {
  it('JSON, stream, attach (with Last-Event-ID) and queue routes work, with x-request-id readable', async () => {
    await using page = await servePage();
    await using gateway = await startGateway({
      apps: [countApp],
      apiKeys: [KEY],
      logger: false,
      cors: { origins: [page.url] },
    });
    await using chromium = await launchChromium();
    await chromium.page.goto(page.url);
    const seen: Seen = await chromium.page.evaluate(
      `(${callsFromPage.toString()})(${JSON.stringify(gateway.url)}, ${JSON.stringify(countApp.id)}, ${JSON.stringify(KEY)})`,
    );
    expect(seen.json.requestId).toMatch(/\S/);
    expect(seen.stream.requestId).toMatch(/\S/);
    expect(seen, chromium.console.join('\n')).toMatchObject({
      json: { status: 200, count: 3 },
      stream: { status: 200, events: 3 },
      attach: { status: 200, firstId: '2' },
      queue: { submit: 200, status: 'COMPLETED', result: { count: 3 } },
      unauthorized: 401,
    });
  });

  it('off by default: the same page cannot read an answer', async () => {
    await using page = await servePage();
    await using gateway = await startGateway({ apps: [countApp], logger: false });
    await using chromium = await launchChromium();
    await chromium.page.goto(page.url);
    const failure = await chromium.page.evaluate(
      `fetch(${JSON.stringify(`${gateway.url}/${countApp.id}`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(() => 'read', (error) => error.name)`,
    );
    expect(failure).toBe('TypeError');
  });
});

describe('CORS preflights', () => {
  const preflight = (url: string, origin: string, method: string) =>
    send(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, last-event-id, content-type',
      },
    });

  it('every route and method is preflighted; * sends no credentials', async () => {
    await using gateway = await startGateway({
      apps: [countApp],
      logger: false,
      cors: { origins: '*' },
    });
    const paths: Array<[string, string]> = [
      [`/${countApp.id}`, 'POST'],
      [`/${countApp.id}/stream`, 'POST'],
      [`/${countApp.id}/requests/abc/stream`, 'GET'],
      [`/queue/${countApp.id}`, 'POST'],
      [`/queue/${countApp.id}/requests/abc/status`, 'GET'],
      [`/queue/${countApp.id}/requests/abc/cancel`, 'PUT'],
      ['/apps', 'GET'],
    ];
    for (const [path, method] of paths) {
      const { response } = await preflight(`${gateway.url}${path}`, 'https://x.example', method);
      expect(response.statusCode, path).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-methods']).toContain(method);
      expect(response.headers['access-control-allow-headers']).toMatch(/authorization/);
      expect(response.headers['access-control-allow-headers']).toMatch(/last-event-id/);
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      response.resume();
    }
  });

  it('a preflight may send the headers it names, such as the openai SDK’s own', async () => {
    await using gateway = await startGateway({
      apps: [countApp],
      logger: false,
      cors: { origins: ['https://chat.example'] },
    });
    const asked = 'authorization, content-type, x-stainless-retry-count, x-stainless-lang';
    const { response } = await send(`${gateway.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://chat.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': asked,
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-headers']).toBe(asked);
    expect(response.headers.vary).toMatch(/Origin.*Access-Control-Request-Headers/);
    response.resume();
  });

  it('an origin not on the list gets no CORS headers; without --cors-origin neither', async () => {
    await using listed = await startGateway({
      apps: [countApp],
      logger: false,
      cors: { origins: ['https://good.example'] },
    });
    const good = await preflight(`${listed.url}/${countApp.id}`, 'https://good.example', 'POST');
    expect(good.response.headers['access-control-allow-origin']).toBe('https://good.example');
    expect(good.response.headers.vary).toContain('Origin');
    good.response.resume();
    const bad = await preflight(`${listed.url}/${countApp.id}`, 'https://evil.example', 'POST');
    expect(bad.response.headers['access-control-allow-origin']).toBeUndefined();
    bad.response.resume();
    await using off = await startGateway({ apps: [countApp], logger: false });
    const none = await preflight(`${off.url}/${countApp.id}`, 'https://good.example', 'POST');
    expect(none.response.headers['access-control-allow-origin']).toBeUndefined();
    none.response.resume();
  });
});

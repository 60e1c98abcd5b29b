import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryPolicy } from '../../src/client/backoff.js';
import { createClient, SluiceError, type StreamEvent } from '../../src/client/index.js';
import { errorAnswer, sendAll, startScriptedServer, type Answer } from './scripted-server.js';

function answer(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return (response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };
}

async function runError(server: { readonly url: string }) {
  return createClient({ baseUrl: server.url })
    .run('a/b', {})
    .catch((error: unknown) => error);
}

describe('errors from error bodies', () => {
  it('keeps a 422’s field list', async () => {
    const detail = [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }];
    const body = JSON.stringify({ detail, error_type: 'invalid_input', code: 'invalid_input' });
    await using server = await startScriptedServer([
      answer(422, body, { 'x-request-id': 'r-422' }),
    ]);
    const error = (await runError(server)) as SluiceError;
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: 'invalid_input', retryable: false, requestId: 'r-422' });
    expect(error.fields).toEqual(detail);
    expect(error.message).toBe('Invalid input: body.prompt Field required');
  });

  it('maps overloaded with its Retry-After, as retryable', async () => {
    const body = JSON.stringify({ detail: 'Busy', error_type: 'overloaded', code: 'overloaded' });
    await using server = await startScriptedServer([answer(429, body, { 'retry-after': '3' })]);
    expect(await runError(server)).toMatchObject({
      code: 'overloaded',
      message: 'Busy',
      retryable: true,
      retryAfterSeconds: 3,
    });
  });

  it('falls back on the status when the body is not sluice’s', async () => {
    await using server = await startScriptedServer([answer(502, '<html>Bad gateway</html>')]);
    expect(await runError(server)).toMatchObject({ code: 'app_unavailable', retryable: true });
  });

  it('gives a stream the same error before its first byte', async () => {
    await using server = await startScriptedServer([errorAnswer(413, 'payload_too_large')]);
    const stream = createClient({ baseUrl: server.url }).stream('a/b', {});
    await expect(stream.done()).rejects.toMatchObject({
      code: 'payload_too_large',
      message: 'scripted payload_too_large',
      retryable: false,
    });
  });
});

describe('what a stream ignores and refuses', () => {
  it('ignores comments, unknown event types and events without an id', async () => {
    const text =
      ': ping\n\nevent: future\nid: 1\ndata: {}\n\nevent: output\ndata: {"no":"id"}\n\n' +
      'id: 1\nevent: output\ndata: {"i":1}\n\nid: 2\nevent: result\ndata: {"ok":true}\n\n';
    await using server = await startScriptedServer([sendAll(text)]);
    const events: StreamEvent[] = [];
    for await (const event of createClient({ baseUrl: server.url }).stream('a/b', {})) {
      events.push(event);
    }
    expect(events).toEqual([
      { type: 'output', id: 1, data: { i: 1 } },
      { type: 'result', id: 2, data: { ok: true } },
    ]);
  });

  it('fails with internal on an event whose data is not JSON', async () => {
    await using server = await startScriptedServer([
      sendAll('id: 1\nevent: output\ndata: {oops\n\n'),
    ]);
    const stream = createClient({ baseUrl: server.url }).stream('a/b', {});
    await expect(stream.done()).rejects.toMatchObject({
      code: 'internal',
      requestId: 'scripted-1',
    });
  });

  it('fails when the server sends no request id, since it could not resume', async () => {
    const noId: Answer = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('id: 1\nevent: result\ndata: 1\n\n');
    };
    await using server = await startScriptedServer([noId]);
    await expect(
      createClient({ baseUrl: server.url }).stream('a/b', {}).done(),
    ).rejects.toMatchObject({
      code: 'internal',
    });
  });
});

describe('client.cancel', () => {
  it('PUTs the queue cancel route with the API key', async () => {
    await using server = await startScriptedServer([
      answer(202, '{"status":"CANCELLATION_REQUESTED"}'),
    ]);
    await expect(
      createClient({ baseUrl: `${server.url}/`, apiKey: 'k1' }).cancel('a/b', 'req 1'),
    ).resolves.toBeUndefined();
    expect(server.requests[0]).toMatchObject({
      method: 'PUT',
      url: '/queue/a/b/requests/req%201/cancel',
      headers: { authorization: 'Key k1' },
    });
  });

  it('resolves for a request that had already ended: nothing is left to cancel', async () => {
    await using server = await startScriptedServer([answer(400, '{"status":"ALREADY_COMPLETED"}')]);
    await expect(
      createClient({ baseUrl: server.url }).cancel('a/b', 'done'),
    ).resolves.toBeUndefined();
  });

  it('rejects with the server’s error', async () => {
    await using server = await startScriptedServer([errorAnswer(404, 'request_not_found')]);
    await expect(createClient({ baseUrl: server.url }).cancel('a/b', 'gone')).rejects.toMatchObject(
      {
        code: 'request_not_found',
      },
    );
  });
});

describe('createClient options', () => {
  it('refuses a base URL that is not http(s) and a negative retry count', () => {
    expect(() => createClient({ baseUrl: 'localhost:8000' })).toThrow(TypeError);
    expect(() => createClient({ baseUrl: 'http://x', retry: { attempts: -1 } })).toThrow(
      /retry.attempts/,
    );
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input, init) => {
      seen.push(typeof input === 'string' ? input : 'not a string');
      return fetch(input, init);
    };
    await using server = await startScriptedServer([answer(200, '{"ok":1}')]);
    await expect(
      createClient({ baseUrl: server.url, fetch: recording }).run('a/b', {}, { path: '/sub' }),
    ).resolves.toEqual({ ok: 1 });
    expect(seen).toEqual([`${server.url}/a/b/sub`]);
  });
});

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, waiting a random half of it', () => {
    const low = { ...retryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000 }), random: () => 0 };
    const high = { ...low, random: () => 0.999_999 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(low, attempt))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(backoffDelay(high, 1)).toBeCloseTo(100, 3);
    expect(backoffDelay(high, 9)).toBeCloseTo(1_000, 3);
  });
});

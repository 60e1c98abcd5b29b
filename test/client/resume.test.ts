import { describe, expect, it } from 'vitest';
import { createClient, type StreamEvent } from '../../src/client/index.js';
import {
  dropAfter,
  errorAnswer,
  frames,
  hangUp,
  sendAll,
  startScriptedServer,
  type Answer,
} from './scripted-server.js';

const FAST = { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 };

async function collect(stream: AsyncIterable<StreamEvent>) {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const ids = (events: readonly StreamEvent[]) => events.map((event) => event.id);

describe('automatic resume', () => {
  it('resumes a connection cut mid-frame with Last-Event-ID, skipping replayed events', async () => {
    const cut = frames(1, 3, 5).slice(0, -20); // events 1 and 2 whole, event 3 cut mid-frame
    // The attach answer replays event 2 again: the client must not deliver it twice.
    await using server = await startScriptedServer([dropAfter(cut), sendAll(frames(2, 5))]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', { x: 1 });
    const events = await collect(stream);
    expect(ids(events)).toEqual([1, 2, 3, 4, 5]);
    expect(events[2]).toEqual({ type: 'output', id: 3, data: { i: 3, text: 'é ☃' } });
    expect(await stream.done()).toEqual({ i: 5, text: 'é ☃' });
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /a/b/stream',
      'GET /a/b/requests/scripted-1/stream',
    ]);
    expect(server.requests[1]?.headers['last-event-id']).toBe('2');
  });

  it('resumes for a caller that only awaits done()', async () => {
    await using server = await startScriptedServer([
      dropAfter(frames(1, 2, 9)),
      sendAll(frames(3, 4)),
    ]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    await expect(stream.done()).resolves.toEqual({ i: 4, text: 'é ☃' });
    expect(server.requests[1]?.headers['last-event-id']).toBe('2');
  });

  it('resumes a response that ends cleanly without a terminal event', async () => {
    await using server = await startScriptedServer([
      sendAll(frames(1, 2, 9)),
      sendAll(frames(3, 4)),
    ]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    expect(ids(await collect(stream))).toEqual([1, 2, 3, 4]);
    expect(server.requests[1]?.headers['last-event-id']).toBe('2');
  });

  it('resumes after an error event without an id (the server’s read failed)', async () => {
    const broken = `${frames(1, 1, 9)}event: error\ndata: {"code":"internal","message":"x","retryable":true,"request_id":"scripted-1"}\n\n`;
    await using server = await startScriptedServer([sendAll(broken), sendAll(frames(2, 3))]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    expect(ids(await collect(stream))).toEqual([1, 2, 3]);
    await expect(stream.done()).resolves.toEqual({ i: 3, text: 'é ☃' });
  });

  it('retries an attach answered 503 or 429, and goes on', async () => {
    await using server = await startScriptedServer([
      dropAfter(frames(1, 1, 9)),
      errorAnswer(503, 'app_unavailable'),
      errorAnswer(429, 'overloaded'),
      sendAll(frames(2, 3)),
    ]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    expect(ids(await collect(stream))).toEqual([1, 2, 3]);
    expect(server.requests).toHaveLength(4);
  });

  it.each([
    [400, 'invalid_json'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'request_not_found'],
    [410, 'request_expired'],
    [413, 'payload_too_large'],
    [422, 'invalid_input'],
  ])('does not retry an attach answered %i', async (status, code) => {
    await using server = await startScriptedServer([
      dropAfter(frames(1, 1, 9)),
      errorAnswer(status, code),
    ]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    const thrown = await collect(stream).catch((error: unknown) => error);
    expect(thrown).toMatchObject({ code, requestId: 'scripted-1' });
    await expect(stream.done()).rejects.toBe(thrown);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the configured attempts, saying how many and why', async () => {
    await using server = await startScriptedServer([dropAfter(frames(1, 1, 9)), hangUp]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    const events: StreamEvent[] = [];
    const thrown = await (async () => {
      for await (const event of stream) events.push(event);
    })().catch((error: unknown) => error);
    expect(ids(events)).toEqual([1]);
    expect(thrown).toMatchObject({
      code: 'app_unavailable',
      retryable: true,
      attempts: 3,
      requestId: 'scripted-1',
    });
    expect((thrown as Error).message).toMatch(/gave up after 3 attempts to resume: .*fetch failed/);
    expect(server.requests).toHaveLength(4);
  });

  it('counts attempts per interruption: a stream that keeps making progress never gives up', async () => {
    const answers = [1, 2, 3, 4, 5, 6].map((id) =>
      id === 6 ? sendAll(frames(6, 6)) : dropAfter(frames(id, id, 9)),
    );
    await using server = await startScriptedServer(answers);
    const client = createClient({ baseUrl: server.url, retry: { ...FAST, attempts: 1 } });
    expect(ids(await collect(client.stream('a/b', {})))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never sends the POST again: a connection lost before the head fails, retryable', async () => {
    await using server = await startScriptedServer([hangUp]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).stream('a/b', {});
    await expect(stream.done()).rejects.toMatchObject({
      code: 'app_unavailable',
      retryable: true,
      requestId: undefined,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('retries the first request of attach(), which is safe to send again', async () => {
    await using server = await startScriptedServer([hangUp, sendAll(frames(4, 5), 'known')]);
    const stream = createClient({ baseUrl: server.url, retry: FAST }).attach('a/b', 'known', {
      lastEventId: 3,
    });
    expect(ids(await collect(stream))).toEqual([4, 5]);
    expect(server.requests.map((request) => request.headers['last-event-id'])).toEqual(['3', '3']);
  });

  it('stops waiting between attempts as soon as it is aborted', { timeout: 10_000 }, async () => {
    await using server = await startScriptedServer([dropAfter(frames(1, 1, 9)), hangUp]);
    const slow = { attempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 };
    const stream = createClient({ baseUrl: server.url, retry: slow }).stream('a/b', {});
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.id).toBe(1);
    const waiting = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the drop came; a minute's backoff began
    stream.abort();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    await expect(stream.done()).rejects.toMatchObject({ code: 'cancelled' });
    expect(server.requests).toHaveLength(1);
  });

  it('resumes a connection that went silent past idleTimeoutMs, heartbeats included', async () => {
    const stall: Answer = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'quiet' });
      response.write(`: open\n\n${frames(1, 1, 9)}`); // then nothing, and the socket stays open
    };
    await using server = await startScriptedServer([stall, sendAll(frames(2, 3), 'quiet')]);
    const client = createClient({ baseUrl: server.url, retry: FAST, idleTimeoutMs: 150 });
    expect(ids(await collect(client.stream('a/b', {})))).toEqual([1, 2, 3]);
    expect(server.requests[1]?.headers['last-event-id']).toBe('1');
  });

  it('keeps a connection whose heartbeats arrive within idleTimeoutMs', async () => {
    // 750 ms of heartbeats alone, 25 ms apart: far longer than the 400 ms idle timeout.
    const beating: Answer = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'alive' });
      let beats = 0;
      const timer = setInterval(() => {
        response.write(': ping\n\n');
        if (++beats < 30) return;
        clearInterval(timer);
        response.end(frames(1, 2));
      }, 25);
    };
    await using server = await startScriptedServer([beating]);
    const client = createClient({ baseUrl: server.url, retry: FAST, idleTimeoutMs: 400 });
    expect(ids(await collect(client.stream('a/b', {})))).toEqual([1, 2]);
    expect(server.requests).toHaveLength(1);
  });

  it('decodes a stream written one byte per write, multi-byte characters split across writes', async () => {
    const text = `: open\r\n\r\n${frames(1, 3)}`.replace(/\n/g, '\r\n');
    const bytes = Buffer.from(text, 'utf8');
    const byteByByte: Answer = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'bytes' });
      let index = 0;
      const next = () => {
        if (index === bytes.length) return response.end();
        response.write(bytes.subarray(index, ++index), () => setImmediate(next));
      };
      next();
    };
    await using server = await startScriptedServer([byteByByte]);
    const events = await collect(createClient({ baseUrl: server.url }).stream('a/b', {}));
    expect(events).toEqual([
      { type: 'output', id: 1, data: { i: 1, text: 'é ☃' } },
      { type: 'output', id: 2, data: { i: 2, text: 'é ☃' } },
      { type: 'result', id: 3, data: { i: 3, text: 'é ☃' } },
    ]);
    expect(server.requests).toHaveLength(1);
  });
});

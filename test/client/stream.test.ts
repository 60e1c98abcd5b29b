import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, SluiceError, type StreamEvent } from '../../src/client/index.js';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { bytesApp, countApp, failingApp, workLoopApp } from '../support/test-apps.js';

let gateway: TestGateway;

const pathsApp = defineApp({
  id: 'test/paths',
  input: z.object({}),
  run: () => ({ default: true }),
  endpoints: {
    '/double': {
      input: z.object({ text: z.string() }),
      run: ({ text }: { text: string }) => ({ text: text.repeat(2) }),
    },
  },
});
const KEY = 'client-test-key';

beforeAll(async () => {
  gateway = await startGateway({
    apps: [countApp, bytesApp, failingApp, workLoopApp, pathsApp],
    apiKeys: [KEY],
  });
});
afterAll(() => gateway.close());

const client = () => createClient({ baseUrl: gateway.url, apiKey: KEY });

async function collect<Output>(stream: AsyncIterable<StreamEvent<Output>>) {
  const events: StreamEvent<Output>[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function loggedEvents(requestId: string) {
  const batch = await gateway.eventLog.read(requestId, 0, 10_000);
  return (batch?.events ?? []).map((event) => ({
    type: event.type,
    id: event.seq,
    data: JSON.parse(event.json) as unknown,
  }));
}

describe('client.stream', () => {
  it('yields every event with its id and parsed data, then done() resolves with the output', async () => {
    const stream = client().stream('test/bytes', {});
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['progress', 'output', 'progress', 'result']);
    expect(events[1]).toEqual({ type: 'output', id: 2, data: { text: 'héllo ☃ 😀' } });
    expect(await stream.done()).toEqual({ text: 'done ✓' });
    // The log leaves out the first progress event: a later one supersedes it.
    expect(events.slice(1)).toEqual(await loggedEvents(stream.requestId!));
  });

  it('learns the request id from the response head: started() and requestId', async () => {
    const stream = client().stream('test/count', { n: 2 });
    expect(stream.requestId).toBeUndefined();
    const requestId = await stream.started();
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    expect(stream.requestId).toBe(requestId);
    await stream.done();
  });

  it('ends the iteration on an error event; done() rejects with its code, request id and retryability', async () => {
    const stream = client().stream('test/failing', {});
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['output', 'error']);
    const error = await stream.done().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({
      code: 'app_error',
      retryable: false,
      requestId: stream.requestId,
    });
    expect(events[1]?.data).toMatchObject({ code: 'app_error', request_id: stream.requestId });
  });

  it('rejects with the server’s error before the first byte, keeping a 422’s fields', async () => {
    const stream = client().stream('test/count', { n: 'many' });
    const thrown = await collect(stream).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(SluiceError);
    const error = thrown as SluiceError;
    expect(error.code).toBe('invalid_input');
    expect(error.retryable).toBe(false);
    expect(error.fields?.[0]?.loc).toEqual(['body', 'n']);
    await expect(stream.done()).rejects.toBe(error);
    await expect(stream.started()).rejects.toBe(error);
  });

  it('sends the API key as `Authorization: Key …`, and maps a 401', async () => {
    const anonymous = createClient({ baseUrl: gateway.url });
    await expect(anonymous.stream('test/count', {}).done()).rejects.toMatchObject({
      code: 'unauthorized',
      retryable: false,
    });
    await expect(client().stream('test/count', { n: 1 }).done()).resolves.toEqual({
      count: 1,
      text: 'x',
    });
  });

  it('maps an unknown app to not_found', async () => {
    await expect(client().stream('test/nothing', {}).done()).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('abort() ends a live iteration at once and done() rejects with cancelled', async () => {
    const stream = client().stream('test/work-loop', {});
    const seen: number[] = [];
    for await (const event of stream) {
      seen.push(event.id);
      if (seen.length === 3) stream.abort();
    }
    expect(seen).toEqual([1, 2, 3]);
    await expect(stream.done()).rejects.toMatchObject({ code: 'cancelled', retryable: false });
    expect(stream.requestId).toBeDefined();
  });

  it('stops when the caller’s signal aborts, even before the request was sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const stream = client().stream('test/count', {}, { signal: controller.signal });
    expect(await collect(stream)).toEqual([]);
    await expect(stream.done()).rejects.toMatchObject({ code: 'cancelled' });

    const later = new AbortController();
    const running = client().stream('test/work-loop', {}, { signal: later.signal });
    await running.started();
    later.abort();
    await expect(running.done()).rejects.toMatchObject({ code: 'cancelled' });
    expect(await collect(running)).toEqual([]);
  });

  it('breaking out of the iteration aborts the stream', async () => {
    const stream = client().stream('test/work-loop', {});
    for await (const event of stream) if (event.id === 2) break;
    await expect(stream.done()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('answers concurrent next() calls each with its own event', async () => {
    const stream = client().stream('test/count', { n: 3 });
    const iterator = stream[Symbol.asyncIterator]();
    const [first, second] = await Promise.all([iterator.next(), iterator.next()]);
    expect([first.value?.id, second.value?.id]).toEqual([1, 2]);
    await stream.done();
  });

  it('calls an extra endpoint by its path', async () => {
    const stream = client().stream('test/paths', { text: 'ab' }, { path: '/double' });
    await expect(stream.done()).resolves.toEqual({ text: 'abab' });
    await expect(client().run('test/paths', {})).resolves.toEqual({ default: true });
  });

  it('can be iterated only once', async () => {
    const stream = client().stream('test/count', { n: 1 });
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(TypeError);
  });
});

describe('no unhandled rejection, however a stream is consumed', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);

  type Consume = (stream: ReturnType<ReturnType<typeof client>['stream']>) => Promise<unknown>;
  const modes: Record<string, Consume> = {
    'iterating only': (stream) => collect(stream).catch(() => undefined),
    'done() only': (stream) => stream.done().catch(() => undefined),
    both: (stream) =>
      Promise.all([collect(stream).catch(() => undefined), stream.done().catch(() => undefined)]),
    neither: async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
    },
    aborting: async (stream) => {
      stream.abort();
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
  const inputs: Record<string, readonly [string, unknown]> = {
    'a result': ['test/count', { n: 2 }],
    'an error event': ['test/failing', {}],
    'an HTTP error': ['test/count', { n: -1 }],
  };

  it.each(Object.keys(modes).flatMap((mode) => Object.keys(inputs).map((input) => [mode, input])))(
    '%s, on %s',
    async (mode, input) => {
      unhandled.length = 0;
      process.on('unhandledRejection', record);
      try {
        const [appId, body] = inputs[input]!;
        await modes[mode]!(client().stream(appId, body));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', record);
      }
    },
  );
});

describe('client.attach', () => {
  it('replays only the events after lastEventId', async () => {
    const stream = client().stream('test/count', { n: 4 });
    const all = await collect(stream);
    const attached = client().attach('test/count', stream.requestId!, { lastEventId: 2 });
    expect(await collect(attached)).toEqual(all.slice(2));
    expect(await attached.done()).toEqual({ count: 4, text: 'x' });
    expect(attached.requestId).toBe(stream.requestId);
  });

  it('fails with request_not_found for an unknown request, without retrying', async () => {
    const attached = client().attach('test/count', 'no-such-request');
    await expect(attached.done()).rejects.toMatchObject({
      code: 'request_not_found',
      retryable: false,
      requestId: 'no-such-request',
    });
  });
});

describe('client.cancel', () => {
  it('cancels a streaming run on the server: the stream ends with a cancelled error event', async () => {
    const stream = client().stream('test/work-loop', {});
    const requestId = await stream.started();
    await client().cancel('test/work-loop', requestId);
    const events = await collect(stream);
    expect(events.at(-1)).toMatchObject({ type: 'error', data: { code: 'cancelled' } });
    await expect(stream.done()).rejects.toMatchObject({ code: 'cancelled', requestId });
    // Cancelling again, once it has ended, is not an error.
    await expect(client().cancel('test/work-loop', requestId)).resolves.toBeUndefined();
  });
});

describe('client.run', () => {
  it('resolves with the output', async () => {
    await expect(client().run('test/count', { n: 2, text: 'é' })).resolves.toEqual({
      count: 2,
      text: 'é',
    });
  });

  it('rejects with the server’s error, with its request id when the run failed', async () => {
    const invalid = await client()
      .run('test/count', { n: 'x' })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ code: 'invalid_input', retryable: false });
    const failed = await client()
      .run('test/failing', {})
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(SluiceError);
    expect((failed as SluiceError).code).toBe('app_error');
    expect((failed as SluiceError).requestId).toMatch(/^[\w-]{8,}$/);
  });

  it('rejects with cancelled when its signal aborts', async () => {
    const controller = new AbortController();
    const running = client().run('test/work-loop', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('rejects with a retryable app_unavailable when the server cannot be reached', async () => {
    const closed = createClient({ baseUrl: 'http://127.0.0.1:1' });
    await expect(closed.run('test/count', {})).rejects.toMatchObject({
      code: 'app_unavailable',
      retryable: true,
    });
  });
});

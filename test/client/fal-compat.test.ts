import { ApiError, ValidationError, createFalClient } from '@fal-ai/client';
import { describe, expect, it } from 'vitest';
import { startTcpProxy } from '../browser-support/tcp-proxy.js';
import { NON_ASCII_TEXT, brokenApp, greetApp, painterApp } from '../fixtures/call-apps.js';
import { toSluice } from '../support/fal-hosts.js';
import { startGateway } from '../support/gateway.js';

const KEY = 'fal-compat-key';

function falClientFor(baseUrl: string, credentials = KEY) {
  return createFalClient({ credentials, requestMiddleware: toSluice(baseUrl) });
}

async function loggedPayloads(
  gateway: Awaited<ReturnType<typeof startGateway>>,
  requestId: string,
): Promise<{ type: string; data: unknown }[]> {
  const batch = await gateway.eventLog.read(requestId, 0, 10_000);
  return (batch?.events ?? []).map((event) => ({
    type: event.type,
    data: JSON.parse(event.json) as unknown,
  }));
}

/** Whether a payload is one a reader never misses: not a progress, not a bare preview. */
function isKept(data: unknown): boolean {
  const keys = Object.keys(data as object)
    .sort()
    .join(',');
  return (
    keys !== 'message,progress,step,total' && keys !== 'progress,step,total' && keys !== 'image'
  );
}

describe('the unmodified @fal-ai/client against sluice', () => {
  it('fal.run answers the output and the request id', async () => {
    await using gateway = await startGateway({ apps: [greetApp], apiKeys: [KEY] });
    const fal = falClientFor(gateway.url);
    const result = await fal.run('fixture/greet', { input: { text: 'a b c' } });
    expect(result.data).toEqual({ text: 'a b c', words: 3 });
    expect(result.requestId).toMatch(/\S/);
    const logged = await loggedPayloads(gateway, result.requestId);
    expect(logged.at(-1)).toEqual({ type: 'result', data: result.data as unknown });
  });

  it('fal.run without input (an empty body typed as JSON) runs with the defaults', async () => {
    await using gateway = await startGateway({ apps: [greetApp], apiKeys: [KEY] });
    const result = await falClientFor(gateway.url).run('fixture/greet', {});
    expect(result.data).toEqual({ text: NON_ASCII_TEXT, words: NON_ASCII_TEXT.split(' ').length });
  });

  it('fal.stream yields every event payload in order and done() is the output', async () => {
    await using gateway = await startGateway({ apps: [painterApp], apiKeys: [KEY] });
    const fal = falClientFor(gateway.url);
    const stream = await fal.stream('fixture/painter', { input: { steps: 4, preview_every: 2 } });
    const seen: unknown[] = [];
    for await (const data of stream) seen.push(data);
    const output = (await stream.done()) as { steps: number; image: { content_type: string } };
    expect(stream.requestId).toMatch(/\S/);
    const logged = await loggedPayloads(gateway, stream.requestId);
    const kept = logged.filter((event) => !['progress', 'preview'].includes(event.type));
    expect(seen.filter(isKept)).toEqual(kept.map((event) => event.data));
    expect(seen.filter((data) => !isKept(data)).length).toBeGreaterThan(0);
    expect(logged.at(-1)).toEqual({ type: 'result', data: output });
    expect(output.steps).toBe(4);
    expect(output.image.content_type).toBe('image/jpeg');
  });

  it('non-ASCII text survives packets split every 3 bytes (fal decodes each chunk alone)', async () => {
    await using gateway = await startGateway({ apps: [greetApp], apiKeys: [KEY] });
    await using proxy = await startTcpProxy({ target: gateway.url, trickleBytes: 3 });
    const fal = falClientFor(proxy.url);
    const stream = await fal.stream('fixture/greet', { input: { text: NON_ASCII_TEXT } });
    const tokens: string[] = [];
    for await (const data of stream as AsyncIterable<{ token?: string }>) {
      if (data.token !== undefined) tokens.push(data.token);
    }
    const output = (await stream.done()) as { text: string };
    expect(tokens.join(' ')).toBe(NON_ASCII_TEXT);
    expect(output).toEqual({ text: NON_ASCII_TEXT, words: 4 });
    expect(proxy.writes()).toBeGreaterThan(100); // the stream really arrived in small pieces
  });

  it('endpoint sub-paths: fal.run and fal.stream on owner/name/path', async () => {
    await using gateway = await startGateway({ apps: [greetApp], apiKeys: [KEY] });
    const fal = falClientFor(gateway.url);
    const ran = await fal.run('fixture/greet/shout', { input: { text: 'héllo' } });
    expect(ran.data).toEqual({ text: 'HÉLLO' });
    const stream = await fal.stream('fixture/greet/shout', { input: { text: '你好 🌊' } });
    const seen: unknown[] = [];
    for await (const data of stream) seen.push(data);
    expect(await stream.done()).toEqual({ text: '你好 🌊' });
    expect(seen).toEqual([{ token: '你好 🌊' }, { text: '你好 🌊' }]);
  });

  it('a run that fails mid-stream: fal reads only data lines, so done() is the error payload', async () => {
    // Documented in the README recipe: after the first byte the failure is an `error` event,
    // whose `event:` line fal ignores; check the last payload for `code` and `request_id`.
    await using gateway = await startGateway({ apps: [brokenApp], apiKeys: [KEY] });
    const fal = falClientFor(gateway.url);
    const stream = await fal.stream('fixture/broken', { input: {} });
    const seen: unknown[] = [];
    for await (const data of stream) seen.push(data);
    const last: unknown = await stream.done();
    expect(last).toMatchObject({
      code: 'app_error',
      retryable: false,
      request_id: stream.requestId,
    });
    expect(seen).toEqual([{ step: 1, total: 2, progress: 0.5 }, last]);
  });

  it('invalid input is a ValidationError whose field errors fal understands', async () => {
    await using gateway = await startGateway({ apps: [painterApp], apiKeys: [KEY] });
    const fal = falClientFor(gateway.url);
    const failure = await fal.run('fixture/painter', { input: { steps: 500 } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ValidationError);
    const validation = failure as ValidationError;
    expect(validation.status).toBe(422);
    expect(validation.getFieldErrors('steps')).toHaveLength(1);
  });

  it('a wrong key is an ApiError with status 401', async () => {
    await using gateway = await startGateway({ apps: [greetApp], apiKeys: [KEY] });
    const fal = falClientFor(gateway.url, 'not-the-key');
    const failure = await fal.run('fixture/greet', { input: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError<unknown>).status).toBe(401);
  });
});

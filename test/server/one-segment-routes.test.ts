import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { streamAll, until } from '../support/sse-client.js';

const input = z.object({ text: z.string() });

/** A sheaf-style deployment: one segment, a default endpoint and one sub-path. */
const fluxApp = defineApp({
  id: 'flux',
  input,
  run: ({ text }, ctx) => {
    ctx.emit({ echo: text });
    return { app: 'flux', text };
  },
  endpoints: {
    '/img2img': { input, run: ({ text }) => ({ app: 'flux/img2img', text }) },
    '/bytes': {
      input,
      run: (_input, ctx) => {
        ctx.emit(new Uint8Array([1, 2, 3]), { contentType: 'audio/wav' });
        return {};
      },
    },
  },
});

/** An owner/name app whose owner is the one-segment app's id: it wins where both could serve. */
const fluxStreamApp = defineApp({ id: 'flux/stream', input, run: () => ({ app: 'flux/stream' }) });
const textApp = defineApp({
  id: 'demo/text',
  input,
  run: ({ text }) => ({ app: 'demo/text', text }),
});

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const resultOf = (events: readonly { event?: string; data: string }[]) =>
  JSON.parse(events.find((event) => event.event === 'result')?.data ?? 'null') as unknown;

describe('one-segment app ids, served as sheaf serves its deployments', () => {
  it('POST /flux answers JSON and POST /flux/stream streams, endpoints included', async () => {
    await using gateway = await startGateway({ apps: [fluxApp, textApp] });
    expect(await post(`${gateway.url}/flux`, { text: 'a' })).toMatchObject({
      status: 200,
      body: { app: 'flux', text: 'a' },
    });
    const events = await streamAll(`${gateway.url}/flux/stream`, { text: 'b' });
    expect(events.map((event) => event.event)).toEqual(['output', 'result']);
    expect(resultOf(events)).toEqual({ app: 'flux', text: 'b' });
    expect((await post(`${gateway.url}/flux/img2img`, { text: 'c' })).body).toEqual({
      app: 'flux/img2img',
      text: 'c',
    });
    const sub = await streamAll(`${gateway.url}/flux/img2img/stream`, { text: 'd' });
    expect(resultOf(sub)).toEqual({ app: 'flux/img2img', text: 'd' });
  });

  it('owner/name routes keep working beside them, and win a path both could take', async () => {
    await using gateway = await startGateway({ apps: [fluxApp, fluxStreamApp, textApp] });
    expect((await post(`${gateway.url}/demo/text`, { text: 'e' })).body).toEqual({
      app: 'demo/text',
      text: 'e',
    });
    expect(resultOf(await streamAll(`${gateway.url}/demo/text/stream`, { text: 'f' }))).toEqual({
      app: 'demo/text',
      text: 'f',
    });
    expect((await post(`${gateway.url}/flux/stream`, { text: 'g' })).body).toEqual({
      app: 'flux/stream',
    });
    expect(resultOf(await streamAll(`${gateway.url}/flux/stream/stream`, { text: 'h' }))).toEqual({
      app: 'flux/stream',
    });
    expect((await post(`${gateway.url}/flux`, { text: 'i' })).body).toEqual({
      app: 'flux',
      text: 'i',
    });
  });

  it('the queue, status, result and resume routes serve both kinds of id', async () => {
    await using gateway = await startGateway({ apps: [fluxApp, textApp] });
    for (const appId of ['flux', 'demo/text']) {
      const queued = await post(`${gateway.url}/queue/${appId}`, { text: appId });
      expect(queued.status).toBe(200);
      const requestId = String(queued.body.request_id);
      expect(queued.body.status_url).toBe(
        `${gateway.url}/queue/${appId}/requests/${requestId}/status`,
      );
      await until(async () => {
        const status = (await (await fetch(String(queued.body.status_url))).json()) as {
          status: string;
        };
        return status.status === 'COMPLETED';
      });
      const result = await fetch(String(queued.body.response_url));
      expect(result.status).toBe(200);
      expect(await result.json()).toMatchObject({ text: appId });
      const replay = await fetch(`${gateway.url}/${appId}/requests/${requestId}/stream`);
      expect(replay.status).toBe(200);
      expect(await replay.text()).toContain('event: result');
    }
  });

  it('the media view serves a one-segment app’s bytes', async () => {
    await using gateway = await startGateway({ apps: [fluxApp] });
    const response = await fetch(`${gateway.url}/flux/bytes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    await response.body?.cancel();
    const requestId = String(response.headers.get('x-request-id'));
    const media = await fetch(`${gateway.url}/flux/requests/${requestId}/media`);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('audio/wav');
    expect([...new Uint8Array(await media.arrayBuffer())]).toEqual([1, 2, 3]);
    const elsewhere = await fetch(`${gateway.url}/demo/flux/requests/${requestId}/media`);
    expect(elsewhere.status).toBe(404);
    await elsewhere.body?.cancel();
  });

  it('a wrong method or an unknown one-segment path answers as for any app', async () => {
    await using gateway = await startGateway({ apps: [fluxApp] });
    const get = await fetch(`${gateway.url}/flux`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    await get.body?.cancel();
    const typo = await post(`${gateway.url}/flx`, { text: 'x' });
    expect(typo.status).toBe(404);
    expect(typo.body.detail).toContain('Did you mean flux?');
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});

describe('a one-segment id that is one of the gateway’s own paths', () => {
  it.each([
    'apps',
    'docs',
    'health',
    'metrics',
    'openapi.json',
    'playground',
    'queue',
    'ready',
    'requests',
    'tokens',
    'v1',
    'Metrics',
  ])('is refused when the app is defined: %s', (id) => {
    expect(() => defineApp({ id, input, run: () => ({}) })).toThrow(
      new TypeError(
        `App id "${id}" is reserved: the gateway serves /${id.toLowerCase()} itself. Choose another name`,
      ),
    );
  });
});

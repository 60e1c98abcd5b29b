import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineApp } from '../../src/app/define-app.js';
import type { AppEntry } from '../../src/server/app-catalog.js';
import { startGateway } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

async function getJson<Body = Record<string, unknown>>(url: string) {
  const { response } = await send(url);
  return {
    status: response.statusCode,
    body: JSON.parse(await readText(response)) as Body,
  };
}

function slowSetupApp(release: Promise<void>) {
  return defineApp({
    id: 'test/slow-setup',
    input: z.object({}),
    setup: async () => {
      await release;
      return { loaded: 'model' };
    },
    run: (_input, ctx) => ({ state: ctx.state }),
  });
}

const multiEndpointApp = defineApp({
  id: 'test/images',
  description: 'Two endpoints',
  input: z.object({
    prompt: z.string().describe('What to draw'),
    steps: z.number().int().min(1).max(50).default(8),
  }),
  output: z.object({ url: z.string() }),
  run: ({ prompt }) => ({ url: `data:,${prompt}` }),
  endpoints: {
    '/img2img': {
      description: 'Image to image',
      input: z.object({ image_url: z.string(), strength: z.number().min(0).max(1).default(0.5) }),
      run: ({ image_url }) => ({ url: image_url }),
    },
  },
});

describe('discovery, docs and probes', () => {
  it('/ready answers 503 until every setup has finished; runs wait for setup', async () => {
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await using gateway = await startGateway({ apps: [countApp, slowSetupApp(released)] });
    const before = await getJson(`${gateway.url}/ready`);
    expect(before).toMatchObject({
      status: 503,
      body: { ready: false, apps: { 'test/slow-setup': { state: 'starting' } } },
    });
    const pending = send(`${gateway.url}/test/slow-setup`, { method: 'POST', body: '{}' });
    release();
    const { response } = await pending;
    expect(JSON.parse(await readText(response))).toEqual({ state: { loaded: 'model' } });
    await until(async () => (await getJson(`${gateway.url}/ready`)).status === 200);
    expect((await getJson(`${gateway.url}/health`)).body).toEqual({ status: 'ok' });
  });

  it('/apps lists ids, endpoints, URLs and input/output JSON Schemas', async () => {
    await using gateway = await startGateway({ apps: [multiEndpointApp] });
    const { body } = await getJson<{ apps: AppEntry[] }>(`${gateway.url}/apps`);
    const app = body.apps[0]!;
    expect(app).toMatchObject({
      id: 'test/images',
      description: 'Two endpoints',
      status: { state: 'ready' },
    });
    expect(app.endpoints.map((endpoint) => endpoint.path)).toEqual(['', '/img2img']);
    const [main, img2img] = app.endpoints;
    expect(main!.urls).toEqual({
      run: '/test/images',
      stream: '/test/images/stream',
      attach: '/test/images/requests/{request_id}/stream',
    });
    expect(main!.input_schema).toMatchObject({
      type: 'object',
      required: ['prompt'],
      additionalProperties: false,
      properties: {
        prompt: { type: 'string', description: 'What to draw' },
        steps: { type: 'integer', minimum: 1, maximum: 50, default: 8 },
      },
    });
    expect(main!.output_schema).toMatchObject({
      type: 'object',
      properties: { url: { type: 'string' } },
    });
    expect(img2img).toMatchObject({ description: 'Image to image', output_schema: null });
    expect(img2img!.urls.stream).toBe('/test/images/img2img/stream');
  });

  it('/openapi.json is an OpenAPI 3.1 document generated from the zod schemas', async () => {
    await using gateway = await startGateway({ apps: [multiEndpointApp] });
    const { body } = await getJson<{ openapi: string; paths: Record<string, unknown> }>(
      `${gateway.url}/openapi.json`,
    );
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual([
      '/test/images',
      '/test/images/stream',
      '/test/images/img2img',
      '/test/images/img2img/stream',
      '/test/images/requests/{request_id}/stream',
      '/queue/test/images',
      '/queue/test/images/img2img',
      '/queue/test/images/requests/{request_id}/status',
      '/queue/test/images/requests/{request_id}/status/stream',
      '/queue/test/images/requests/{request_id}',
      '/queue/test/images/requests/{request_id}/cancel',
    ]);
    const errorBody = {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
    expect(body.paths).toMatchObject({
      '/test/images': {
        post: {
          requestBody: {
            content: { 'application/json': { schema: { properties: { steps: { default: 8 } } } } },
          },
          responses: { '422': errorBody },
        },
      },
      '/test/images/stream': {
        post: { responses: { '200': { content: { 'text/event-stream': {} } } } },
      },
    });
  });

  it('endpoints under sub-paths run and stream', async () => {
    await using gateway = await startGateway({ apps: [multiEndpointApp] });
    const { response } = await send(`${gateway.url}/test/images/img2img`, {
      method: 'POST',
      body: '{"image_url":"u"}',
    });
    expect(JSON.parse(await readText(response))).toEqual({ url: 'u' });
    const invalid = await send(`${gateway.url}/test/images`, {
      method: 'POST',
      body: '{"prompt":"p","steps":99}',
    });
    expect(invalid.response.statusCode).toBe(422);
    await readText(invalid.response);
  });
});

import { createFalClient } from '@fal-ai/client';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { encodeDialectFrames } from '../../src/events/dialects/dialect-frames.js';
import { WIRE_DIALECTS } from '../../src/events/dialects/wire-dialect.js';
import { toSluice } from '../support/fal-hosts.js';
import { startGateway } from '../support/gateway.js';
import { readText, send, until } from '../support/sse-client.js';
import { falSteps, plainSteps, sheafSteps } from './dialect-apps.js';

const apps = [plainSteps, falSteps, sheafSteps];

async function finishedRequest(url: string, appPath: string): Promise<string> {
  const { response } = await send(`${url}/${appPath}/stream`, {
    method: 'POST',
    body: JSON.stringify({ steps: 4, delay_ms: 0 }),
  });
  await readText(response);
  return String(response.headers['x-request-id']);
}

describe('dialects over one cursor', () => {
  it.each(WIRE_DIALECTS)(
    'resuming in the %s dialect renders exactly the events after the id',
    async (dialect) => {
      await using gateway = await startGateway({ apps });
      const requestId = await finishedRequest(gateway.url, 'demo/steps');
      await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended');
      const batch = await gateway.eventLog.read(requestId, 2, 100);
      const { response } = await send(
        `${gateway.url}/demo/steps/requests/${requestId}/stream?dialect=${dialect}`,
        { headers: { 'last-event-id': '2' } },
      );
      const body = await readText(response);
      expect(batch?.events.length).toBeGreaterThan(0);
      expect(body).toBe(`: open\n\n${encodeDialectFrames(dialect, batch?.events ?? [])}`);
    },
  );

  it('an attach speaks the endpoint’s default dialect, and an Accept parameter overrides it', async () => {
    await using gateway = await startGateway({ apps });
    const requestId = await finishedRequest(gateway.url, 'demo/sheaf-steps');
    const attach = `${gateway.url}/demo/sheaf-steps/requests/${requestId}/stream`;
    const typed = await readText((await send(attach)).response);
    expect(typed).toContain('data: {"type":"result","done":true,');
    const accept = 'text/event-stream; dialect=sluice';
    const sluice = await readText((await send(attach, { headers: { accept } })).response);
    expect(sluice).toContain('event: result\ndata: {"image_b64"');
  });

  it('refuses an unknown dialect with 422 before the run starts', async () => {
    await using gateway = await startGateway({ apps });
    const { response } = await send(`${gateway.url}/demo/steps/stream?dialect=xml`, {
      method: 'POST',
      body: '{}',
    });
    const body = JSON.parse(await readText(response)) as { code: string };
    expect(response.statusCode).toBe(422);
    expect(body.code).toBe('invalid_input');
  });

  it('answers 204 to an attach at or past a finished request’s terminal event', async () => {
    await using gateway = await startGateway({ apps });
    const requestId = await finishedRequest(gateway.url, 'demo/steps');
    const lookup = await gateway.eventLog.lookup(requestId);
    const lastSeq = lookup.state === 'ended' ? lookup.lastSeq : -1;
    const attach = `${gateway.url}/demo/steps/requests/${requestId}/stream`;
    const atEnd = await send(attach, { headers: { 'last-event-id': String(lastSeq) } });
    expect(atEnd.response.statusCode).toBe(204);
    const before = await send(attach, { headers: { 'last-event-id': String(lastSeq - 1) } });
    expect(before.response.statusCode).toBe(200);
    expect(await readText(before.response)).toContain('event: result');
  });
});

describe('the reference clients on endpoints of every dialect', () => {
  it.each(['demo/steps', 'demo/fal-steps', 'demo/sheaf-steps'])(
    'sluice/client reads sluice frames from %s',
    async (appId) => {
      await using gateway = await startGateway({ apps });
      const stream = createClient({ baseUrl: gateway.url }).stream(appId, { steps: 3 });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types.at(-1)).toBe('result');
      expect(types).toContain('progress');
      expect(await stream.done()).toEqual({ image_b64: 'aGVsbG8=', seed: 7 });
    },
  );

  it.each(['demo/steps', 'demo/fal-steps'])(
    '@fal-ai/client streams %s and done() is the output',
    async (appId) => {
      await using gateway = await startGateway({ apps });
      const fal = createFalClient({
        credentials: 'unused',
        requestMiddleware: toSluice(gateway.url),
      });
      const stream = await fal.stream(appId, { input: { steps: 3 } });
      const seen: unknown[] = [];
      for await (const data of stream) seen.push(data);
      expect(seen[0]).toMatchObject({ step: 1, total: 3, progress: 1 / 3 });
      expect(await stream.done()).toEqual({ image_b64: 'aGVsbG8=', seed: 7 });
    },
  );
});

import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { expireEnded } from '../support/expire.js';
import { startGateway } from '../support/gateway.js';
import { parseEvents, readText, send, runToEnd } from '../support/sse-client.js';
import { countApp } from '../support/test-apps.js';

const KEYS = ['key-alice', 'key-bob'];

async function status(url: string, options: Parameters<typeof send>[1] = {}) {
  const { response } = await send(url, options);
  const body = await readText(response);
  return { status: response.statusCode, body, headers: response.headers };
}

describe('API keys', () => {
  it('every run and attach route needs a valid key when keys are configured', async () => {
    await using gateway = await startGateway({ apps: [countApp], apiKeys: KEYS });
    const run = `${gateway.url}/test/count`;
    const missing = await status(run, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'unauthorized' });
    expect(missing.headers['www-authenticate']).toBe('Key');
    expect(
      (await status(run, { method: 'POST', body: '{}', headers: { authorization: 'Key wrong' } }))
        .status,
    ).toBe(401);
    expect(
      (
        await status(`${run}/stream`, {
          method: 'POST',
          body: '{}',
          headers: { authorization: 'Basic a2V5' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await status(run, {
          method: 'POST',
          body: '{}',
          headers: { authorization: 'Key key-alice' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await status(run, {
          method: 'POST',
          body: '{}',
          headers: { authorization: 'Bearer key-bob' },
        })
      ).status,
    ).toBe(200);
    expect((await status(`${gateway.url}/test/count/requests/x/stream`)).status).toBe(401);
  });

  it('discovery and probes need no key', async () => {
    await using gateway = await startGateway({ apps: [countApp], apiKeys: KEYS });
    for (const path of ['/health', '/ready', '/apps', '/openapi.json']) {
      expect((await status(`${gateway.url}${path}`)).status).toBe(200);
    }
  });

  it('a request belongs to its key: another key gets exactly what an unknown id gets', async () => {
    await using gateway = await startGateway({ apps: [countApp], apiKeys: KEYS });
    const alice = { authorization: 'Key key-alice' };
    const bob = { authorization: 'Key key-bob' };
    const requestId = await runToEnd(`${gateway.url}/test/count/stream`, '{"n":2}', alice);
    const attach = `${gateway.url}/test/count/requests/${requestId}/stream`;
    const asBob = await status(attach, { headers: bob });
    const unknown = await status(
      `${gateway.url}/test/count/requests/00000000-0000-4000-8000-000000000000/stream`,
      { headers: bob },
    );
    expect(asBob.status).toBe(404);
    expect(asBob.body).toBe(unknown.body);
    const asAlice = await streamAllGet(attach, alice);
    expect(asAlice.at(-1)).toMatchObject({ event: 'result' });
  });

  it('a request is attached only under its own app', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const requestId = await runToEnd(`${gateway.url}/test/count/stream`, '{"n":1}');
    expect((await status(`${gateway.url}/other/app/requests/${requestId}/stream`)).status).toBe(
      404,
    );
  });

  it('request ids are random UUIDs (122 random bits), never repeated', async () => {
    await using gateway = await startGateway({ apps: [countApp] });
    const ids = new Set<string>();
    for (let index = 0; index < 200; index++) {
      const { response } = await send(`${gateway.url}/test/count`, {
        method: 'POST',
        body: '{"n":0}',
      });
      await readText(response);
      ids.add(String(response.headers['x-request-id']));
    }
    expect(ids.size).toBe(200);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

async function streamAllGet(url: string, headers: Record<string, string>) {
  const { response } = await send(url, { headers });
  return parseEvents(await readText(response));
}

describe('API keys on unusual paths', () => {
  it('a percent-encoded attach path still needs a key', async () => {
    await using gateway = await startGateway({ apps: [countApp], apiKeys: KEYS });
    const encoded = `${gateway.url}/test/count/%72equests/00000000-0000-4000-8000-000000000000/stream`;
    expect((await status(encoded)).status).toBe(401);
    expect((await status(encoded, { headers: { authorization: 'Key bogus' } })).status).toBe(401);
  });

  it('only the owner learns that a request expired; to another key it is unknown', async () => {
    const eventLog = new MemoryEventLog({ retentionMs: 1 });
    await using gateway = await startGateway({ apps: [countApp], apiKeys: KEYS, eventLog });
    const alice = { authorization: 'Key key-alice' };
    const requestId = await runToEnd(`${gateway.url}/test/count/stream`, '{"n":1}', alice);
    await expireEnded(eventLog);
    const attach = `${gateway.url}/test/count/requests/${requestId}/stream`;
    expect((await status(attach, { headers: alice })).status).toBe(410);
    expect((await status(attach, { headers: { authorization: 'Key key-bob' } })).status).toBe(404);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeTokens, tokenSecretOf } from '../../src/server/realtime/realtime-tokens.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { send, until } from '../support/sse-client.js';
import { armGate, chunksApp, gate } from './binary-apps.js';
import { plainSteps } from './dialect-apps.js';

const KEYS = ['key-1', 'key-2'];
const apps = [chunksApp, plainSteps];

async function submit(url: string, key: string, body: object): Promise<string> {
  const response = await fetch(`${url}/queue/demo/chunks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Key ${key}` },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { request_id: string }).request_id;
}

async function tokenFor(url: string, key: string, apps: string[]): Promise<string> {
  const response = await fetch(`${url}/tokens/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Key ${key}` },
    body: JSON.stringify({ allowed_apps: apps }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as string;
}

async function finishedRequest(gateway: TestGateway, key = 'key-1'): Promise<string> {
  const requestId = await submit(gateway.url, key, { chunks: 3, size: 2 });
  await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended');
  return requestId;
}

async function refusal(url: string): Promise<{ status: number; code: string; detail: string }> {
  const response = await fetch(url);
  const body = (await response.json()) as { code: string; detail: string };
  return { status: response.status, ...body };
}

afterEach(() => gate.open());

describe('the media view on a gateway with API keys', () => {
  it('plays with a token from POST /tokens/ in the query: 200, and 206 for a Range', async () => {
    await using gateway = await startGateway({ apps, apiKeys: KEYS });
    const requestId = await finishedRequest(gateway);
    const token = await tokenFor(gateway.url, 'key-1', ['demo/chunks']);
    const media = `${gateway.url}/demo/chunks/requests/${requestId}/media`;
    const whole = await fetch(`${media}?fal_jwt_token=${token}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect([...new Uint8Array(await whole.arrayBuffer())]).toEqual([1, 1, 2, 2, 3, 3]);
    const part = await fetch(`${media}?token=${token}`, { headers: { range: 'bytes=3-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 3-5/6');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([2, 3, 3]);
    // The bare app name, as fal's client scopes its tokens, covers the app too.
    const byName = await tokenFor(gateway.url, 'key-1', ['chunks']);
    expect((await fetch(`${media}?token=${byName}`)).status).toBe(200);
  });

  it('streams a live run to a token holder as it is produced', async () => {
    armGate();
    await using gateway = await startGateway({ apps, apiKeys: KEYS });
    const requestId = await submit(gateway.url, 'key-1', { chunks: 2, size: 3 });
    const token = await tokenFor(gateway.url, 'key-1', ['demo/chunks']);
    const { response } = await send(
      `${gateway.url}/demo/chunks/requests/${requestId}/media?token=${token}`,
    );
    expect(response.statusCode).toBe(200);
    const received: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of response) received.push(chunk as Buffer);
    })();
    await until(() => Promise.resolve(Buffer.concat(received).length >= 3));
    expect((await gateway.eventLog.lookup(requestId)).state).toBe('live');
    gate.open();
    await reading;
    expect([...Buffer.concat(received)]).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('answers 401 unauthorized without a key or token, naming what is wrong with a token', async () => {
    await using gateway = await startGateway({ apps, apiKeys: KEYS });
    const requestId = await finishedRequest(gateway);
    const media = `${gateway.url}/demo/chunks/requests/${requestId}/media`;
    const bare = await fetch(media);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Key');
    expect(((await bare.json()) as { code: string }).code).toBe('unauthorized');
    const otherApp = await tokenFor(gateway.url, 'key-1', ['demo/steps']);
    expect(await refusal(`${media}?token=${otherApp}`)).toMatchObject({
      status: 401,
      code: 'unauthorized',
      detail: 'The token does not cover this app',
    });
    expect(await refusal(`${media}?fal_jwt_token=sl1.e30.AAAA`)).toMatchObject({
      status: 401,
      code: 'unauthorized',
      detail: 'The token is not valid',
    });
    // Signed with the gateway's own secret (derived from its keys), but already expired.
    const secret = tokenSecretOf(undefined, KEYS);
    const expiresAt = Math.floor(Date.now() / 1000) - 1;
    const expired = new RealtimeTokens(secret).issue({
      owner: 'whoever',
      apps: ['demo/chunks'],
      expiresAt,
    });
    expect(await refusal(`${media}?token=${expired}`)).toMatchObject({
      status: 401,
      code: 'unauthorized',
      detail: 'The token has expired',
    });
    // The gateway keeps serving: the key in the header still plays.
    const keyed = await fetch(media, { headers: { authorization: 'Key key-1' } });
    expect(keyed.status).toBe(200);
  });

  it('answers another key’s token for a request exactly as for an unknown request (404)', async () => {
    await using gateway = await startGateway({ apps, apiKeys: KEYS });
    const requestId = await finishedRequest(gateway, 'key-1');
    const media = `${gateway.url}/demo/chunks/requests/${requestId}/media`;
    const otherOwner = await tokenFor(gateway.url, 'key-2', ['demo/chunks']);
    expect(await refusal(`${media}?token=${otherOwner}`)).toMatchObject({
      status: 404,
      code: 'request_not_found',
    });
    const mine = await tokenFor(gateway.url, 'key-1', ['demo/chunks']);
    expect((await fetch(`${media}?token=${mine}`)).status).toBe(200);
  });

  it('does not let a token stand in for a key on the other request routes', async () => {
    await using gateway = await startGateway({ apps, apiKeys: KEYS });
    const requestId = await finishedRequest(gateway);
    const token = await tokenFor(gateway.url, 'key-1', ['demo/chunks']);
    const stream = await fetch(
      `${gateway.url}/demo/chunks/requests/${requestId}/stream?token=${token}`,
    );
    expect(stream.status).toBe(401);
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  RealtimeTokens,
  grantCovers,
  tokenSecretOf,
} from '../../src/server/realtime/realtime-tokens.js';
import { startCli } from '../support/cli-server.js';
import { startGateway } from '../support/gateway.js';
import { doubleApp, isResult, openProbe, refusalOf } from './realtime-support.js';

const NOW = 1_800_000_000;

async function tokenFrom(url: string, body: unknown, key = 'key-1') {
  const answer = await fetch(`${url}/tokens/`, {
    method: 'POST',
    headers: { authorization: `Key ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as unknown };
}

describe('realtime tokens (pure)', () => {
  const tokens = new RealtimeTokens(tokenSecretOf(undefined, ['key-1']));

  it('verifies what it issued until it expires', () => {
    const token = tokens.issue({ owner: 'o', apps: ['demo/text'], expiresAt: NOW + 120 });
    expect(tokens.verify(token, NOW)).toEqual({
      owner: 'o',
      apps: ['demo/text'],
      expiresAt: NOW + 120,
    });
    expect(tokens.verify(token, NOW + 120)).toBeUndefined();
  });

  it('refuses a token signed with another secret or altered', () => {
    const other = new RealtimeTokens(tokenSecretOf(undefined, ['key-2']));
    const token = other.issue({ owner: 'o', apps: ['demo/text'], expiresAt: NOW + 120 });
    expect(tokens.verify(token, NOW)).toBeUndefined();
    const [version, , signature] = tokens
      .issue({ owner: 'o', apps: ['demo/text'], expiresAt: NOW + 120 })
      .split('.');
    const forged = Buffer.from(JSON.stringify({ o: 'o', a: ['*'], e: NOW + 9999 })).toString(
      'base64url',
    );
    expect(tokens.verify(`${version}.${forged}.${signature}`, NOW)).toBeUndefined();
    expect(tokens.verify('garbage', NOW)).toBeUndefined();
  });

  it('derives the same secret from the same keys, in any order', () => {
    expect(tokenSecretOf(undefined, ['a', 'b'])).toEqual(tokenSecretOf(undefined, [' b', 'a']));
    expect(tokenSecretOf('s', ['a'])).not.toEqual(tokenSecretOf(undefined, ['a']));
  });

  it('covers an app by its id or its bare name (what fal’s client sends)', () => {
    const grant = { owner: 'o', apps: ['double'], expiresAt: NOW };
    expect(grantCovers(grant, 'rt/double')).toBe(true);
    expect(grantCovers({ ...grant, apps: ['rt/double'] }, 'rt/double')).toBe(true);
    expect(grantCovers(grant, 'rt/triple')).toBe(false);
  });
});

describe('POST /tokens/ and token upgrades', () => {
  it('issues a token in fal’s shapes that opens a connection on another gateway with the same keys', async () => {
    await using issuer = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    await using other = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    const { status, body } = await tokenFrom(issuer.url, {
      allowed_apps: ['double'],
      token_expiration: 120,
    });
    expect(status).toBe(200);
    expect(typeof body).toBe('string');
    await using probe = await openProbe(
      `${other.url}/rt/double/realtime?fal_jwt_token=${String(body)}`,
    );
    probe.sendJson({ x: 3 });
    expect(await probe.next(isResult)).toMatchObject({ doubled: 6 });
  });

  it('refuses a token for another app, an expired or forged one, with 401 before the upgrade', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    const { body: otherApp } = await tokenFrom(gateway.url, { allowed_apps: ['rt/other'] });
    const url = `${gateway.url}/rt/double/realtime`;
    const refused = await refusalOf(`${url}?token=${String(otherApp)}`);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ detail: 'The token does not cover this app' });
    const forged = await refusalOf(`${url}?fal_jwt_token=sl1.e30.AAAA`);
    expect(JSON.parse(forged.body)).toMatchObject({
      detail: 'The token is not valid',
    });
    const { body: short } = await tokenFrom(gateway.url, {
      allowed_apps: ['double'],
      token_expiration: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await refusalOf(`${url}?token=${String(short)}`);
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.body)).toMatchObject({ detail: 'The token has expired' });
  });

  it('gives a token its whole token_expiration, late in a second as early', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    const url = `${gateway.url}/rt/double/realtime`;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(NOW * 1000 + 990); // 10 ms before the second ends
      const { body: token } = await tokenFrom(gateway.url, {
        allowed_apps: ['rt/double'],
        token_expiration: 1,
      });
      vi.setSystemTime(NOW * 1000 + 1_500); // 0.51 s later: within its second of life
      await using probe = await openProbe(`${url}?token=${String(token)}`);
      probe.sendJson({ x: 2 });
      expect(await probe.next(isResult)).toMatchObject({ doubled: 4 });
      vi.setSystemTime(NOW * 1000 + 2_000); // 1.01 s after it was issued
      expect((await refusalOf(`${url}?token=${String(token)}`)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to issue without a key (401) or for a malformed request (422)', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    expect((await tokenFrom(gateway.url, { allowed_apps: ['double'] }, 'wrong')).status).toBe(401);
    const noApps = await tokenFrom(gateway.url, { allowed_apps: [] });
    expect(noApps).toMatchObject({ status: 422, body: { code: 'invalid_input' } });
    const tooLong = await tokenFrom(gateway.url, {
      allowed_apps: ['double'],
      token_expiration: 86_400,
    });
    expect(tooLong).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'token_expiration'] }] },
    });
  });

  it('makes the token’s requests its issuing key’s: the owner reads their results', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1', 'key-2'] });
    const { body: token } = await tokenFrom(gateway.url, { allowed_apps: ['rt/double'] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime?token=${String(token)}`);
    probe.sendJson({ x: 1 });
    const { request_id: id } = await probe.next(isResult);
    const read = (key: string) =>
      fetch(`${gateway.url}/queue/rt/double/requests/${String(id)}`, {
        headers: { authorization: `Key ${key}` },
      });
    expect((await read('key-1')).status).toBe(200);
    expect((await read('key-2')).status).toBe(404);
  });
});

describe('sluice serve signs tokens with SLUICE_TOKEN_SECRET', { timeout: 60_000 }, () => {
  it('a token it issues verifies under that secret, whatever the keys, and not under the keys', async () => {
    await using server = await startCli(['examples/text.ts'], {
      SLUICE_API_KEYS: 'key-1',
      SLUICE_TOKEN_SECRET: 'a shared secret',
    });
    const { status, body } = await tokenFrom(server.url, { allowed_apps: ['demo/text'] });
    expect(status).toBe(200);
    const token = body as string;
    const now = Math.floor(Date.now() / 1000);
    const sameSecret = new RealtimeTokens(tokenSecretOf('a shared secret', ['another-key']));
    expect(sameSecret.verify(token, now)?.apps).toEqual(['demo/text']);
    const derived = new RealtimeTokens(tokenSecretOf(undefined, ['key-1']));
    expect(derived.verify(token, now)).toBeUndefined();
  });
});

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a token grants: whose requests, to which apps, until when. */
export interface TokenGrant {
  /** Fingerprint of the API key that asked for the token: it owns the token's requests. */
  readonly owner: string;
  /** `owner/name` app ids, or bare app names (fal's client sends only the name). */
  readonly apps: readonly string[];
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

const VERSION = 'sl1';

function sign(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest('base64url');
}

function isGrant(value: unknown): value is { o: string; a: string[]; e: number } {
  const grant = value as { o?: unknown; a?: unknown; e?: unknown } | null;
  return (
    typeof grant?.o === 'string' &&
    Array.isArray(grant.a) &&
    grant.a.every((app) => typeof app === 'string') &&
    typeof grant.e === 'number'
  );
}

/**
 * The secret that signs realtime tokens: the one configured, else one derived from the API
 * keys, so every gateway that accepts the same keys verifies the same tokens without
 * sharing any state. With neither, a random one (tokens then verify in this process only).
 *
 * @example
 * tokenSecretOf(undefined, ['key-1']); // the same 32 bytes in every gateway
 */
export function tokenSecretOf(secret: string | undefined, apiKeys: readonly string[]): Buffer {
  if (secret !== undefined) return createHash('sha256').update(secret).digest();
  const keys = apiKeys.map((key) => key.trim()).filter(Boolean);
  if (keys.length === 0) return randomBytes(32);
  const sorted = [...new Set(keys)].sort().join('\n');
  return createHmac('sha256', 'sluice realtime tokens').update(sorted).digest();
}

/**
 * Short-lived, app-scoped realtime tokens for browsers, which cannot send an API key as a
 * header: `sl1.<payload>.<HMAC-SHA256>`, base64url. Stateless: any gateway holding the
 * same secret verifies them.
 *
 * @example
 * const tokens = new RealtimeTokens(secret);
 * const token = tokens.issue({ owner, apps: ['demo/text'], expiresAt: now + 120 });
 * tokens.verify(token, now)?.apps; // ['demo/text']
 */
export class RealtimeTokens {
  constructor(private readonly secret: Buffer) {}

  issue(grant: TokenGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ o: grant.owner, a: grant.apps, e: grant.expiresAt }),
    ).toString('base64url');
    return `${VERSION}.${payload}.${sign(this.secret, payload)}`;
  }

  /** The grant of a genuine token not yet expired at `nowSeconds`; else `undefined`. */
  verify(token: string, nowSeconds: number): TokenGrant | undefined {
    const checked = this.check(token, nowSeconds);
    return 'grant' in checked ? checked.grant : undefined;
  }

  /** The grant of a genuine token not yet expired, else why not: `invalid` or `expired`. */
  check(token: string, nowSeconds: number): TokenCheck {
    const [version, payload, signature, ...rest] = token.split('.');
    if (version !== VERSION || !payload || !signature || rest.length > 0)
      return { problem: 'invalid' };
    const expected = Buffer.from(sign(this.secret, payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { problem: 'invalid' };
    let grant: unknown;
    try {
      grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { problem: 'invalid' };
    }
    if (!isGrant(grant)) return { problem: 'invalid' };
    if (grant.e <= nowSeconds) return { problem: 'expired' };
    return { grant: { owner: grant.o, apps: grant.a, expiresAt: grant.e } };
  }
}

/** What checking a token found: its grant, or why it grants nothing. */
export type TokenCheck =
  { readonly grant: TokenGrant } | { readonly problem: 'invalid' | 'expired' };

/**
 * Whether a grant covers an app: its id, or its bare name (`text` for `demo/text`).
 *
 * @example
 * grantCovers({ owner, apps: ['text'], expiresAt }, 'demo/text'); // true
 */
export function grantCovers(grant: TokenGrant, appId: string): boolean {
  const name = appId.slice(appId.indexOf('/') + 1);
  return grant.apps.some((app) => app === appId || app === name);
}

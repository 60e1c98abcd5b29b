import { SluiceError } from '../../errors/sluice-error.js';
import type { ApiKeys } from '../api-keys.js';
import { grantCovers, type RealtimeTokens } from './realtime-tokens.js';

/** The query parameters a token may come in: fal's client's name first, then the short one. */
export const TOKEN_PARAMETERS = ['fal_jwt_token', 'token'] as const;

/** What a caller that cannot always send headers (a browser) presents. */
export interface Credentials {
  /** The `Authorization` header, if any: it wins over a token. */
  readonly authorization: string | undefined;
  /** A token from `POST /tokens/`, if the query carried one. */
  readonly token: string | undefined;
  /** The app the call is for; `undefined`: any genuine token will do. */
  readonly appId: string | undefined;
}

const PROBLEMS = {
  invalid: 'The token is not valid',
  expired: 'The token has expired',
} as const;

/**
 * The token in a query (`?fal_jwt_token=` or `?token=`), if any.
 *
 * @example
 * tokenInQuery(new URLSearchParams('token=sl1.abc.def')); // 'sl1.abc.def'
 */
export function tokenInQuery(query: URLSearchParams): string | undefined {
  for (const name of TOKEN_PARAMETERS) {
    const token = query.get(name);
    if (token !== null) return token;
  }
  return undefined;
}

/**
 * Who is calling: the key's owner from the `Authorization` header, else, on a gateway with
 * keys, a token's owner (the key that asked for it), the token checked for its signature,
 * its expiry and its app. Throws `unauthorized` naming what is wrong.
 *
 * @example
 * ownerOfCaller(keys, tokens, { authorization: undefined, token, appId: 'demo/melody' });
 */
export function ownerOfCaller(
  keys: ApiKeys,
  tokens: RealtimeTokens,
  credentials: Credentials,
): string {
  const { authorization, token, appId } = credentials;
  if (authorization !== undefined || token === undefined || !keys.required)
    return keys.authenticate(authorization);
  const checked = tokens.check(token, Date.now() / 1000);
  if ('problem' in checked) throw new SluiceError('unauthorized', PROBLEMS[checked.problem]);
  if (appId !== undefined && !grantCovers(checked.grant, appId))
    throw new SluiceError('unauthorized', 'The token does not cover this app');
  return checked.grant.owner;
}

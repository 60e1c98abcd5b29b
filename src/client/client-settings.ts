import { retryPolicy, type RetryPolicy } from './backoff.js';
import type { ClientOptions } from './client-types.js';

/** A client's settings, checked and with defaults. */
export interface Settings {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
  readonly policy: RetryPolicy;
  readonly idleTimeoutMs: number;
}

/**
 * An app id as URL path segments, each percent-encoded.
 *
 * @example
 * appPath('demo/text'); // 'demo/text'
 */
export function appPath(appId: string): string {
  return appId.split('/').map(encodeURIComponent).join('/');
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

function idleTimeoutOf(value = DEFAULT_IDLE_TIMEOUT_MS): number {
  if (!(value >= 0 && value <= 2_147_483_647)) {
    throw new TypeError('idleTimeoutMs must be a number of milliseconds, 0 for none');
  }
  return value;
}

/**
 * Checks `createClient`'s options and fills in defaults.
 *
 * @example
 * const settings = settingsOf({ baseUrl: 'http://127.0.0.1:8000' });
 */
export function settingsOf(options: ClientOptions): Settings {
  if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError('baseUrl must be an http:// or https:// URL');
  }
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined) headers.authorization = `Key ${options.apiKey}`;
  const custom = options.fetch;
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers,
    fetch: custom ?? ((input, init) => globalThis.fetch(input, init)),
    policy: retryPolicy(options.retry),
    idleTimeoutMs: idleTimeoutOf(options.idleTimeoutMs),
  };
}

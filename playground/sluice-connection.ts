import { createClient } from '../src/client/index.js';
import type { PageEvent } from './page-event.js';

/** A run's events as the page consumes them. */
export interface PageStream extends AsyncIterable<PageEvent> {
  /** Resolves with the request id once the server answered. */
  readonly started: () => Promise<string>;
}

/** The page's only way to the server's run routes: `sluice/client` underneath. */
export interface Connection {
  readonly stream: (appId: string, input: unknown, path: string) => PageStream;
  readonly attach: (appId: string, requestId: string) => PageStream;
  readonly cancel: (appId: string, requestId: string) => Promise<void>;
  /** The queue position of a request still waiting, `undefined` once it runs or ended. */
  readonly queuePosition: (appId: string, requestId: string) => Promise<number | undefined>;
  /**
   * The request's media view: its binary outputs as one playable stream. With a key, the URL
   * carries a token for the app (a media element cannot send the key as a header).
   */
  readonly mediaUrl: (appId: string, requestId: string) => Promise<string>;
  /** A realtime connection for the live mode: each `send` is one input, the newest answer wins. */
  readonly realtime: (appId: string, path: string, handlers: LiveHandlers) => LiveConnection;
}

/** What the live mode hears back. */
export interface LiveHandlers {
  readonly onResult: (output: unknown) => void;
  readonly onError: (error: { readonly code: string; readonly message: string }) => void;
}

/** An open live connection. */
export interface LiveConnection {
  readonly send: (input: unknown) => void;
  readonly close: () => void;
}

async function queuePosition(
  apiKey: string | undefined,
  appId: string,
  requestId: string,
): Promise<number | undefined> {
  const url = `${location.origin}/queue/${appId}/requests/${encodeURIComponent(requestId)}/status`;
  const response = await fetch(url, {
    headers: apiKey ? { authorization: `Key ${apiKey}` } : {},
  });
  if (!response.ok) return undefined;
  const status = (await response.json()) as { status?: unknown; queue_position?: unknown };
  if (status.status !== 'IN_QUEUE' || typeof status.queue_position !== 'number') return undefined;
  return status.queue_position;
}

/** Seconds a media token lives: long enough to seek back through a long run. */
const MEDIA_TOKEN_SECONDS = 3600;

/**
 * The media view's URL; with a key, with a token from `POST /tokens/` for this app only in
 * `?fal_jwt_token=`. Without a token (it could not be had) the plain URL, which answers 401.
 */
async function mediaUrl(
  apiKey: string | undefined,
  appId: string,
  requestId: string,
): Promise<string> {
  const url = `${location.origin}/${appId}/requests/${encodeURIComponent(requestId)}/media`;
  if (!apiKey) return url;
  const response = await fetch(`${location.origin}/tokens/`, {
    method: 'POST',
    headers: { authorization: `Key ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ allowed_apps: [appId], token_expiration: MEDIA_TOKEN_SECONDS }),
  }).catch(() => undefined);
  if (!response?.ok) return url;
  const token = (await response.json()) as unknown;
  return typeof token === 'string' ? `${url}?fal_jwt_token=${encodeURIComponent(token)}` : url;
}

/**
 * A connection to the server that served the page, with an optional API key.
 *
 * @example
 * const stream = connect().stream('demo/text', { prompt: 'Once' }, '');
 */
export function connect(apiKey?: string): Connection {
  const client = createClient({
    baseUrl: location.origin,
    ...(apiKey ? { apiKey } : {}),
  });
  return {
    stream: (appId, input, path) =>
      path === ''
        ? client.stream(appId, input)
        : client.stream(appId, input, { path: path as `/${string}` }),
    attach: (appId, requestId) => client.attach(appId, requestId),
    cancel: (appId, requestId) => client.cancel(appId, requestId),
    realtime: (appId, path, handlers) =>
      client.realtime(appId, {
        ...(path === '' ? {} : { path: path as `/${string}` }),
        onResult: (output) => handlers.onResult(output),
        onError: (error) => handlers.onError(error),
      }),
    queuePosition: (appId, requestId) => queuePosition(apiKey, appId, requestId),
    mediaUrl: (appId, requestId) => mediaUrl(apiKey, appId, requestId),
  };
}

import type { RequestMiddleware } from '@fal-ai/client';
import { WebSocket } from 'ws';

/**
 * The URL rewrite that points `@fal-ai/client`'s realtime at sluice: its REST host (the
 * token request) and its run hosts go to the sluice base URL.
 *
 * @example
 * createFalClient({ credentials: key, requestMiddleware: realtimeToSluice(url) });
 */
export function realtimeToSluice(baseUrl: string): RequestMiddleware {
  return (request) =>
    Promise.resolve({
      ...request,
      url: request.url
        .replace(/^https:\/\/rest\.fal\.ai(?=\/)/, baseUrl)
        .replace(/^https:\/\/queue\.fal\.run(?=\/)/, `${baseUrl}/queue`)
        .replace(/^https:\/\/fal\.run(?=\/)/, baseUrl),
    });
}

/**
 * fal's client opens `wss://fal.run/…` with the global `WebSocket`. Node 20 has none, so
 * the test installs `ws`'s, with the same one-line rewrite of the host; returns the
 * uninstaller.
 *
 * @example
 * const uninstall = installRewritingWebSocket(gateway.url);
 */
export function installRewritingWebSocket(baseUrl: string): () => void {
  const target = baseUrl.replace(/^http/, 'ws');
  class RewritingWebSocket extends WebSocket {
    constructor(url: string | URL) {
      super(String(url).replace(/^wss:\/\/fal\.run(?=\/)/, target));
    }
  }
  const global = globalThis as { WebSocket?: unknown };
  const previous = global.WebSocket;
  global.WebSocket = RewritingWebSocket;
  return () => {
    global.WebSocket = previous;
  };
}

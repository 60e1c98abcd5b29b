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

/** What {@link installRewritingWebSocket} gives a test. */
export interface InstalledWebSocket {
  /** Every frame fal's client sent, in order, as it sent it. */
  readonly sentFrames: (string | Uint8Array)[];
  /** Closes the sockets still open, waits for their close events, and restores the global. */
  readonly uninstall: () => Promise<void>;
}

/**
 * fal's client opens `wss://fal.run/…` with the global `WebSocket`. Node 20 has none, so
 * the test installs `ws`'s, with the same one-line rewrite of the host. It records what the
 * client sends, so a test can tell what fal's own throttle let through. Uninstalling waits for
 * every socket's close event first: fal's close handler reads the global `WebSocket`.
 *
 * @example
 * const installed = installRewritingWebSocket(gateway.url);
 * await installed.uninstall();
 */
export function installRewritingWebSocket(baseUrl: string): InstalledWebSocket {
  const target = baseUrl.replace(/^http/, 'ws');
  const sentFrames: (string | Uint8Array)[] = [];
  const sockets = new Set<WebSocket>();
  class RewritingWebSocket extends WebSocket {
    constructor(url: string | URL) {
      super(String(url).replace(/^wss:\/\/fal\.run(?=\/)/, target));
      sockets.add(this);
    }
    override send(data: string | Uint8Array, ...rest: unknown[]): void {
      sentFrames.push(data);
      (super.send as (...parts: unknown[]) => void)(data, ...rest);
    }
  }
  const global = globalThis as { WebSocket?: unknown };
  const previous = global.WebSocket;
  global.WebSocket = RewritingWebSocket;
  const closed = (socket: WebSocket) =>
    new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', () => resolve());
      socket.terminate();
    });
  return {
    sentFrames,
    uninstall: async () => {
      await Promise.all([...sockets].map(closed));
      global.WebSocket = previous;
    },
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A listening `/metrics` server. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

function answer(registry: Registry, server: Server): void {
  server.on('request', (request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
}

/**
 * Serves a Prometheus registry at `GET /metrics` on its own port: what `sluice worker`, which
 * has no HTTP gateway, answers scrapes with.
 *
 * @example
 * const server = await serveMetrics(metrics.registry, { host: '0.0.0.0', port: 9464 });
 */
export async function serveMetrics(
  registry: Registry,
  where: { readonly host: string; readonly port: number },
): Promise<MetricsServer> {
  const server = createServer();
  answer(registry, server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

import { connect, createServer, type Socket } from 'node:net';

/** A TCP front for several gateways: each connection goes to the first one that accepts it. */
export interface FailoverProxy extends AsyncDisposable {
  readonly url: string;
  /** Destroys every open connection (a gateway cut off); answers how many sockets. */
  readonly severAll: () => number;
}

function connectFirst(targets: readonly URL[], index = 0): Promise<Socket> {
  const target = targets[index];
  if (!target) return Promise.reject(new Error('no gateway accepted the connection'));
  return new Promise((resolve, reject) => {
    const upstream = connect(Number(target.port), target.hostname);
    upstream.once('connect', () => resolve(upstream));
    upstream.once('error', () => {
      connectFirst(targets, index + 1).then(resolve, reject);
    });
  });
}

/**
 * Starts a failover front on 127.0.0.1:0 (what a load balancer does for a client whose
 * gateway died: its next connection lands on another one).
 *
 * @example
 * await using front = await startFailoverProxy(() => cluster.gateways.map((g) => g.url));
 */
export async function startFailoverProxy(
  targetsOf: () => readonly string[],
): Promise<FailoverProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    connectFirst(
      targetsOf()
        .filter(Boolean)
        .map((url) => new URL(url)),
    ).then(
      (upstream) => {
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    severAll: () => {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    [Symbol.asyncDispose]: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

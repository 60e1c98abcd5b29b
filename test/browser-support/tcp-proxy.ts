import { createServer, connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** The `http://host:port` origin to forward to. */
  readonly target: string;
  /** When set, server-to-client bytes are written in pieces of this size, 1 ms apart. */
  readonly trickleBytes?: number;
}

/** A loopback TCP proxy the test controls, stopped by `await using`. */
export interface TcpProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the proxy's origin. */
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** The HTTP requests clients sent through the proxy, in order. */
  readonly requests: () => readonly ProxiedRequest[];
  /** Server-to-client writes so far (one per piece when trickling). */
  readonly writes: () => number;
  /** Destroys every open connection, both sides, as a network failure would. */
  readonly severAll: () => number;
}

/** An HTTP request seen passing through: its method, path and `Last-Event-ID` header. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly lastEventId: string | undefined;
}

const REQUEST_HEAD = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n((?:[^\r\n]+\r\n)*)\r\n/gm;

/** The request heads in a chunk of client bytes (a head split across chunks is not seen). */
function requestsIn(chunk: Buffer): ProxiedRequest[] {
  return [...chunk.toString('latin1').matchAll(REQUEST_HEAD)].map(([, method, path, headers]) => ({
    method: method!,
    path: path!,
    lastEventId: /^last-event-id:\s*(.*?)\s*$/im.exec(headers ?? '')?.[1],
  }));
}

interface ProxyState {
  readonly requests: ProxiedRequest[];
  readonly open: Set<Socket>;
  connections: number;
  writes: number;
}

interface Piping {
  readonly pieceBytes?: number;
  readonly onChunk?: (chunk: Buffer) => void;
  readonly onWrite?: () => void;
}

async function forward(from: Socket, to: Socket, piping: Piping) {
  for await (const chunk of from as AsyncIterable<Buffer>) {
    piping.onChunk?.(chunk);
    const size = piping.pieceBytes ?? chunk.length;
    for (let offset = 0; offset < chunk.length && !to.destroyed; offset += size) {
      to.write(chunk.subarray(offset, offset + size));
      piping.onWrite?.();
      if (piping.pieceBytes !== undefined) await delay(1);
    }
  }
  to.end();
}

function pair(client: Socket, target: URL, options: { trickle?: number; state: ProxyState }) {
  const { state } = options;
  const upstream = connect({ host: target.hostname, port: Number(target.port) });
  client.setNoDelay(true);
  for (const socket of [client, upstream]) {
    state.open.add(socket);
    socket.once('close', () => state.open.delete(socket));
  }
  const onFailure = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', onFailure);
  upstream.on('error', onFailure);
  const onChunk = (chunk: Buffer) => void state.requests.push(...requestsIn(chunk));
  forward(client, upstream, { onChunk }).catch(onFailure);
  const onWrite = () => void state.writes++;
  forward(upstream, client, { pieceBytes: options.trickle, onWrite }).catch(onFailure);
}

/**
 * Starts a TCP proxy on 127.0.0.1:0 in front of `target`: the browser and client tests sever
 * its connections mid-stream, and the fal test trickles bytes through it to split packets.
 *
 * @example
 * await using proxy = await startTcpProxy({ target: gateway.url });
 * proxy.severAll();
 */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const target = new URL(options.target);
  const state: ProxyState = { requests: [], open: new Set(), connections: 0, writes: 0 };
  const server = createServer((client) => {
    state.connections++;
    pair(client, target, { trickle: options.trickleBytes, state });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const severAll = () => {
    const count = state.open.size;
    for (const socket of state.open) socket.destroy();
    return count;
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => state.connections,
    requests: () => state.requests,
    writes: () => state.writes,
    severAll,
    [Symbol.asyncDispose]: async () => {
      severAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

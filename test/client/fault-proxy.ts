import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** How the proxy misbehaves. */
export interface FaultOptions {
  /** The server behind the proxy, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  /** A number in [0, 1); seeded by the test so a failure can be replayed. */
  readonly random: () => number;
  /** Share of connections cut mid-response. */
  readonly cutProbability: number;
  /** A cut falls this many response-body bytes or fewer after the response head. */
  readonly maxCutBytes: number;
  /** Each piece of a response waits up to this long. */
  readonly maxDelayMs: number;
  /** Pieces are at most this many bytes: responses are re-chunked at random points. */
  readonly maxPieceBytes: number;
}

/** A running fault proxy. */
export interface FaultProxy extends AsyncDisposable {
  readonly url: string;
  /** Connections cut so far. */
  readonly cuts: () => number;
}

const HEAD_END = '\r\n\r\n';
const LAST_CHUNK = '\r\n0\r\n\r\n';

/** Forwards one connection's response bytes: re-chunked, delayed, and maybe cut. */
class ResponseForwarder {
  #queue = Promise.resolve();
  #tail = ''; // the last bytes seen (latin1), to find the head's end and the last chunk across pieces
  #bodyBytes: number | undefined; // body bytes forwarded, once the head has passed
  #cutAt: number | undefined;
  #closed = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly plan: { readonly options: FaultOptions; readonly onCut: () => void },
  ) {
    this.#cutAt = this.#decide();
  }

  /** Whether and where to cut the next response: a kept-alive connection carries several. */
  #decide(): number | undefined {
    const { random, cutProbability, maxCutBytes } = this.plan.options;
    return random() < cutProbability ? Math.floor(random() * maxCutBytes) : undefined;
  }

  readonly forward = (data: Buffer): void => {
    const { random, maxPieceBytes, maxDelayMs } = this.plan.options;
    for (let offset = 0; offset < data.length;) {
      const size = 1 + Math.floor(random() * maxPieceBytes);
      const piece = data.subarray(offset, offset + size);
      const delay = random() * maxDelayMs;
      offset += size;
      this.#queue = this.#queue.then(() => this.#send(piece, delay));
    }
  };

  /** The upstream closed: close the client once every queued piece went out. */
  readonly finish = (): void => {
    this.#queue = this.#queue.then(() => {
      this.#closed = true;
      this.client.end();
    });
  };

  async #send(piece: Buffer, delay: number): Promise<void> {
    if (this.#closed) return;
    if (delay >= 1) await new Promise((resolve) => setTimeout(resolve, delay));
    const cutAt = this.#cutPoint(piece);
    if (cutAt === undefined) {
      this.client.write(piece);
      return;
    }
    this.#closed = true;
    this.plan.onCut();
    const hard = this.plan.options.random() < 0.5;
    this.upstream.destroy();
    this.client.write(piece.subarray(0, cutAt), () => {
      if (!hard) this.client.end();
      // A reset can discard bytes the peer has not read yet, even the response head: wait
      // until its next read, since a POST whose head never arrived is not resumable.
      else setTimeout(() => this.client.resetAndDestroy(), 10);
    });
  }

  /** Where in this piece to cut, or undefined to send it whole. */
  #cutPoint(piece: Buffer): number | undefined {
    const text = this.#tail + piece.toString('latin1');
    this.#tail = text.slice(-8);
    let bodyStart = 0;
    if (this.#bodyBytes === undefined) {
      const headEnd = text.indexOf(HEAD_END);
      if (headEnd === -1) return undefined;
      bodyStart = headEnd + HEAD_END.length - (text.length - piece.length);
      this.#bodyBytes = 0;
    }
    const cutAt = this.#cutAt;
    if (text.includes(LAST_CHUNK)) {
      // This response ends in this piece (never cut it): the next one starts afresh.
      this.#tail = '';
      this.#bodyBytes = undefined;
      this.#cutAt = this.#decide();
      return undefined;
    }
    if (cutAt === undefined) return undefined;
    const bodyInPiece = piece.length - bodyStart;
    if (this.#bodyBytes + bodyInPiece <= cutAt) {
      this.#bodyBytes += bodyInPiece;
      return undefined;
    }
    return bodyStart + (cutAt - this.#bodyBytes);
  }
}

/**
 * A loopback TCP proxy that re-chunks responses at random points, delays each piece, and
 * cuts some responses after their head, mid-frame, by FIN or by reset. Requests pass
 * through untouched. Each response of a kept-alive connection gets its own draw; a response
 * is never cut in its last piece, so the connection's next request starts intact.
 *
 * @example
 * await using proxy = await startFaultProxy({ target: gateway.url, random, cutProbability: 0.5, ... });
 */
export async function startFaultProxy(options: FaultOptions): Promise<FaultProxy> {
  const { hostname, port } = new URL(options.target);
  const sockets = new Set<Socket>();
  let cuts = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const forwarder = new ResponseForwarder(client, upstream, { options, onCut: () => cuts++ });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', forwarder.forward);
    upstream.on('close', forwarder.finish);
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cuts: () => cuts,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A seeded pseudo-random number generator (mulberry32): the same seed, the same numbers.
 *
 * @example
 * const random = seededRandom(42);
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

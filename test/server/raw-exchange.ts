import { connect } from 'node:net';

/** What came back on a raw socket: the status, headers and JSON body of the first answer. */
export interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: Record<string, unknown>;
  /** Whether the server closed the connection before `timeoutMs`. */
  readonly closed: boolean;
}

/** Options of {@link rawExchange}. */
export interface RawExchangeOptions {
  /** Bytes written after the first ones, one chunk every `trickleMs` (a slow body). */
  readonly trickle?: readonly string[];
  readonly trickleMs?: number;
  /** Stop waiting for the server to close after this long (default 10 s). */
  readonly timeoutMs?: number;
}

function parseAnswer(text: string, closed: boolean): RawAnswer {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
  const bodyText = text.slice(headEnd + 4, headEnd + 4 + length);
  const body = bodyText.startsWith('{') ? (JSON.parse(bodyText) as Record<string, unknown>) : {};
  return { status, head, body, closed };
}

/**
 * Writes raw bytes to a server (latin1, so any byte can be sent) and reads until the server
 * closes the connection or `timeoutMs` passes. Write errors (the server closed first) are
 * not failures: what was read still counts.
 *
 * @example
 * const answer = await rawExchange(gateway.url, 'garbage\r\n\r\n');
 */
export function rawExchange(
  baseUrl: string,
  first: string | Buffer,
  options: RawExchangeOptions = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let pending = [...(options.trickle ?? [])];
    const trickle = setInterval(() => {
      const next = pending.shift();
      if (next !== undefined && socket.writable) socket.write(next, 'latin1');
    }, options.trickleMs ?? 1_000);
    let finished = false;
    const finish = (closed: boolean) => {
      if (finished) return;
      finished = true;
      clearInterval(trickle);
      clearTimeout(timer);
      pending = [];
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(received).toString('latin1'), closed));
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 10_000);
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => {});
    socket.once('close', () => finish(true));
    socket.write(typeof first === 'string' ? Buffer.from(first, 'latin1') : first);
  });
}

import { connect } from 'node:net';

/** A raw HTTP/1.1 response: its head and its body's transfer chunks, as they came off the socket. */
export interface RawResponse {
  readonly head: string;
  readonly chunks: readonly string[];
}

function parseChunks(body: string): string[] {
  const chunks: string[] = [];
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd === -1) throw new Error('Truncated chunked body');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (size === 0) return chunks;
    chunks.push(rest.slice(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/**
 * Sends a POST over a raw TCP socket and returns the response with its chunk framing
 * intact, so a test can see what each server write contained.
 *
 * @example
 * const { head, chunks } = await rawPost(url, '/test/bytes/stream', '{}');
 */
export function rawPost(baseUrl: string, path: string, body: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (data) => received.push(data));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(received).toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, headEnd), chunks: parseChunks(text.slice(headEnd + 4)) });
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\naccept-encoding: gzip, br\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

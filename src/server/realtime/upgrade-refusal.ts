import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SluiceError } from '../../errors/sluice-error.js';

/**
 * Answers an upgrade request with an HTTP error before any WebSocket exists, in the usual
 * shape: the code's status and `{detail, error_type, code}`; then closes the connection.
 *
 * @example
 * refuseUpgrade(socket, new SluiceError('not_found', 'No app is served at this path'));
 */
export function refuseUpgrade(socket: Duplex, error: SluiceError): void {
  const body = JSON.stringify(error.toJSON());
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  if (error.code === 'unauthorized') lines.push('www-authenticate: Key');
  if (error.retryAfterSeconds !== undefined) lines.push(`retry-after: ${error.retryAfterSeconds}`);
  socket.on('error', () => undefined);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

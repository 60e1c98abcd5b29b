import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { SluiceError } from '../errors/sluice-error.js';

/** How long a refused connection is read and discarded before it is cut. */
export const LINGER_MS = 5_000;
/** How much of a refused body is read and discarded before the connection is cut. */
export const LINGER_BYTES = 64 * 1024 * 1024;

const answered = new WeakSet<Socket>();

/**
 * The raw HTTP/1.1 answer for an error, with `connection: close`, in sluice's shape.
 *
 * @example
 * socket.write(rawErrorAnswer(new SluiceError('bad_request', 'Not valid HTTP')));
 */
export function rawErrorAnswer(error: SluiceError): string {
  const body = JSON.stringify(error.toJSON());
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `connection: close\r\ndate: ${new Date().toUTCString()}\r\n\r\n${body}`
  );
}

/**
 * Answers an error straight on the socket, once, then half-closes it and cuts it when the
 * client closes too, or after {@link LINGER_MS}. Closing at once with unread bytes makes
 * the kernel send a reset, and a client still sending loses the answer it was about to read.
 *
 * @example
 * answerThenClose(socket, new SluiceError('bad_request', 'The request is not valid HTTP'));
 */
export function answerThenClose(socket: Socket, error: SluiceError): void {
  if (answered.has(socket) || socket.destroyed) return;
  answered.add(socket);
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', cut);
  socket.end(rawErrorAnswer(error));
}

/**
 * Like {@link answerThenClose} for a request whose body still arrives: the rest of the body
 * is read and discarded (up to {@link LINGER_BYTES}) so the client can finish sending and
 * read the answer; the connection is cut once the body has ended. The body is read through
 * the request: Node's parser reads the
 * socket itself, and a `data` listener on the socket would take the socket from it.
 *
 * @example
 * refuseBody(request.raw, new SluiceError('payload_too_large', 'Too large'));
 */
export function refuseBody(request: IncomingMessage, error: SluiceError): void {
  const { socket } = request;
  const cut = () => socket.destroy();
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  request.once('end', cut).once('close', cut).resume();
  answerThenClose(socket, error);
}

import type { Socket } from 'node:net';
import { SluiceError } from '../errors/sluice-error.js';
import { answerThenClose } from './close-after-answer.js';

function clientError(error: NodeJS.ErrnoException): SluiceError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new SluiceError('request_timeout', 'The request did not arrive in time');
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return new SluiceError('headers_too_large', 'The request headers are larger than 16 KB');
  return new SluiceError('bad_request', 'The request is not valid HTTP');
}

/**
 * Node's `clientError`, in sluice's shape: what fails before a request exists (a garbled
 * request line, an unknown method, conflicting lengths, headers over 16 KB, headers or a
 * body too slow) is answered `{detail, error_type, code}`, then the connection is closed
 * once the client could read it. A reset connection gets nothing: nobody is there to read.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError });
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  answerThenClose(socket, clientError(error));
}

import type { ServerResponse } from 'node:http';
import type { WaitSignal } from '../events/wait-signal.js';

/**
 * Resolves on the response's `drain`, or as soon as `closed` aborts (the client left): a
 * dead socket never leaks a waiter. Resolves at once for a response already gone.
 *
 * @example
 * if (!response.write(bytes)) await drained(response, left);
 */
export function drained(response: ServerResponse, closed: WaitSignal): Promise<void> {
  if (response.destroyed || closed.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      response.off('drain', finish);
      closed.removeEventListener('abort', finish);
      resolve();
    };
    response.on('drain', finish);
    closed.addEventListener('abort', finish, { once: true });
  });
}

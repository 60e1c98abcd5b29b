import type { ServerResponse } from 'node:http';
import { LightAbortSignal } from '../events/wait-signal.js';

/**
 * Aborts when the client of `response` leaves (the response closes), or at once if it has
 * left already (while its request was validated or looked up). What a view's waits on the
 * event log listen to while it holds a response open. `stopWatching` once the response is
 * answered: its `close` is then no longer the client leaving.
 *
 * @example
 * const left = new ClientLeftSignal(reply.raw);
 * try {
 *   const terminal = await readTerminal(eventLog, requestId, left);
 * } finally {
 *   left.stopWatching();
 * }
 */
export class ClientLeftSignal extends LightAbortSignal {
  private readonly leave = () => this.abort();

  constructor(private readonly response: ServerResponse) {
    super();
    if (response.destroyed) this.abort();
    else response.once('close', this.leave);
  }

  /** Stops listening for the response's `close`. */
  stopWatching(): void {
    this.response.off('close', this.leave);
  }
}

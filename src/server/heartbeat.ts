import type { ServerResponse } from 'node:http';
import { encodeSseComment } from '../events/sse.js';

const HEARTBEAT = encodeSseComment('heartbeat');

/**
 * One timer for every open event stream of a gateway: each tick writes a comment to the
 * streams that are not waiting on backpressure, so proxies and clients see a live
 * connection. One timer, not one per stream, keeps idle streams cheap.
 *
 * @example
 * const heartbeat = new Heartbeat(15_000);
 * heartbeat.add(response);
 */
export class Heartbeat {
  private readonly responses = new Set<ServerResponse>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.beat(), intervalMs);
    this.timer.unref();
  }

  add(response: ServerResponse): void {
    this.responses.add(response);
  }

  delete(response: ServerResponse): void {
    this.responses.delete(response);
  }

  stop(): void {
    clearInterval(this.timer);
    this.responses.clear();
  }

  private beat(): void {
    for (const response of this.responses) {
      if (!response.writableNeedDrain && !response.destroyed) response.write(HEARTBEAT);
    }
  }
}

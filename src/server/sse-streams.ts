import type { ServerResponse } from 'node:http';
import type { Gauge } from 'prom-client';
import { Heartbeat } from './heartbeat.js';
import { OpenCount } from './sse-open-count.js';

/** What {@link SseStreams} needs. */
export interface SseStreamsOptions {
  /** Milliseconds between heartbeat comments. */
  readonly heartbeatMs: number;
  /** The gauge of open streams (`sluice_active_streams`). */
  readonly gauge: Gauge;
}

/**
 * A gateway's open event streams: each one gets the heartbeat, counts in the metrics gauge
 * and in the count that `close()` waits on. {@link SseResponse} tracks itself here.
 *
 * @example
 * const streams = new SseStreams({ heartbeatMs: 15_000, gauge: metrics.activeStreams });
 * await streams.allEnded(2_000);
 */
export class SseStreams {
  private readonly heartbeat: Heartbeat;
  private readonly gauge: Gauge;
  private readonly count = new OpenCount();

  constructor(options: SseStreamsOptions) {
    this.heartbeat = new Heartbeat(options.heartbeatMs);
    this.gauge = options.gauge;
  }

  /** Streams open now. */
  get size(): number {
    return this.count.size;
  }

  /** Tracks an open stream; the returned release untracks it, once however often it is called. */
  track(response: ServerResponse): () => void {
    this.heartbeat.add(response);
    this.gauge.inc();
    const release = this.count.open();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.heartbeat.delete(response);
      this.gauge.dec();
      release();
    };
  }

  /** Resolves once every stream has ended, or after `timeoutMs`: `false` if some were still open. */
  allEnded(timeoutMs: number): Promise<boolean> {
    return this.count.whenZero(timeoutMs);
  }

  /** Stops the heartbeat (the gateway is closing). */
  stop(): void {
    this.heartbeat.stop();
  }
}

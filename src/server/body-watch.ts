/** How a request body must arrive: within a deadline, and not slower than a rate. */
export interface BodyTimeouts {
  /** The whole request, headers to last body byte, within this many ms (default 60 s). */
  readonly requestTimeoutMs: number;
  /** The body's average rate, in bytes per second, once {@link RATE_GRACE_MS} passed (default 1024). */
  readonly minBodyBytesPerSecond: number;
}

/** Bodies are not rated during their first seconds: a connection may start slowly. */
export const RATE_GRACE_MS = 5_000;
const SWEEP_MS = 1_000;

/** One body being received. */
export interface WatchedBody {
  readonly startedAt: number;
  bytes: number;
  /** Called once, when the body is too slow or late. */
  readonly expire: (reason: 'deadline' | 'rate') => void;
}

/**
 * Watches the bodies being received, with one timer for all of them: a body past the
 * request deadline, or slower on average than the minimum rate after a grace period, is
 * expired. 2,000 clients sending a byte a second are all cut within seconds of the grace.
 *
 * @example
 * const watch = new BodyWatch({ requestTimeoutMs: 60_000, minBodyBytesPerSecond: 1024 });
 * const stop = watch.add({ startedAt: Date.now(), bytes: 0, expire: () => stream.destroy() });
 */
export class BodyWatch {
  private readonly bodies = new Set<WatchedBody>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeouts: BodyTimeouts) {}

  /** Watches a body until the returned function is called (or it expires). */
  add(body: WatchedBody): () => void {
    this.bodies.add(body);
    this.timer ??= setInterval(() => this.sweep(Date.now()), SWEEP_MS).unref();
    return () => this.remove(body);
  }

  /** Expires every body that is late or too slow at `now`. */
  sweep(now: number): void {
    for (const body of this.bodies) {
      const reason = this.verdict(body, now);
      if (reason === undefined) continue;
      this.remove(body);
      body.expire(reason);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.bodies.clear();
  }

  private verdict(body: WatchedBody, now: number): 'deadline' | 'rate' | undefined {
    const elapsed = now - body.startedAt;
    const { requestTimeoutMs, minBodyBytesPerSecond } = this.timeouts;
    if (requestTimeoutMs > 0 && elapsed > requestTimeoutMs) return 'deadline';
    if (elapsed < RATE_GRACE_MS || minBodyBytesPerSecond <= 0) return undefined;
    return (body.bytes * 1000) / elapsed < minBodyBytesPerSecond ? 'rate' : undefined;
  }

  private remove(body: WatchedBody): void {
    this.bodies.delete(body);
    if (this.bodies.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

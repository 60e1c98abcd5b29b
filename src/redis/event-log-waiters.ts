import { APPENDED_CHANNEL } from './event-log-keys.js';
import type { LogProgress } from './event-log-queries.js';
import { SubscriptionProbe } from './event-log-subscription.js';
import type { RedisHub } from './redis-hub.js';

/**
 * The cursors of one `RedisEventLog` that wait for appends. They share the hub's one
 * subscriber connection: an append publishes its request id, and only that request's
 * waiters look (one read of its progress, however many wait) and those with news wake. No
 * connection and no blocking command per waiter.
 *
 * @example
 * const waiters = new AppendWaiters(hub, (requestId) => logProgress(hub, requestId));
 * await waiters.wait(requestId, afterSeq, signal);
 */
export class AppendWaiters {
  private readonly waiting = new Map<string, Set<AppendWaiter>>();
  private readonly stopListening: () => void;
  private readonly stopWatchingReconnects: () => void;
  private subscription: SubscriptionProbe;
  private closed = false;

  constructor(
    private readonly hub: RedisHub,
    private readonly progressOf: (requestId: string) => Promise<LogProgress>,
  ) {
    const channel = hub.channel(APPENDED_CHANNEL);
    this.stopListening = hub.listen(channel, (message) => this.onMessage(message));
    this.stopWatchingReconnects = hub.onReconnect(() => this.resubscribe());
    this.subscription = new SubscriptionProbe(hub);
  }

  /**
   * Resolves once the log has an event after `afterSeq`, ends or is gone, or when Redis
   * reconnects, `signal` aborts or the waiters close. The log is first looked at once the
   * subscription is confirmed, so no append after that look goes unnoticed.
   */
  async wait(requestId: string, afterSeq: number, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted) return;
    const waiter = new AppendWaiter(afterSeq, signal, () => this.forget(requestId, waiter));
    let waiters = this.waiting.get(requestId);
    if (!waiters) this.waiting.set(requestId, (waiters = new Set()));
    waiters.add(waiter);
    await this.subscription.confirmed;
    if (this.closed) waiter.wake();
    else if (!signal.aborted) await this.look(requestId, [waiter]);
    return waiter.settled;
  }

  /** Stops listening and releases every waiter. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    this.stopWatchingReconnects();
    this.subscription.stop();
    this.wakeAll();
  }

  private onMessage(message: string): void {
    if (this.subscription.receive(message)) return;
    const waiters = this.waiting.get(message);
    if (waiters) void this.look(message, [...waiters]);
  }

  /** Wakes the waiters the log has news for; all of them when it cannot be read. */
  private async look(requestId: string, waiters: readonly AppendWaiter[]): Promise<void> {
    let progress: LogProgress;
    try {
      progress = await this.progressOf(requestId);
    } catch {
      progress = undefined; // the caller reads next and meets the error there
    }
    for (const waiter of waiters) {
      if (!progress || progress.ended || progress.lastSeq > waiter.afterSeq) waiter.wake();
    }
  }

  /** Notifications published while Redis was away are lost: every waiter looks again. */
  private resubscribe(): void {
    if (this.closed) return;
    this.subscription.stop();
    const subscription = new SubscriptionProbe(this.hub);
    this.subscription = subscription;
    void subscription.confirmed.then(() => this.wakeAll());
  }

  private wakeAll(): void {
    const waiters = [...this.waiting.values()].flatMap((set) => [...set]);
    for (const waiter of waiters) waiter.wake();
  }

  private forget(requestId: string, waiter: AppendWaiter): void {
    const waiters = this.waiting.get(requestId);
    if (!waiters?.delete(waiter) || waiters.size > 0) return;
    this.waiting.delete(requestId);
  }
}

/** One waiting cursor; its own abort listener (`handleEvent`), so it costs one small object. */
class AppendWaiter {
  readonly settled: Promise<void>;
  private resolve: () => void = () => undefined;

  constructor(
    readonly afterSeq: number,
    private readonly signal: AbortSignal,
    private readonly onWake: () => void,
  ) {
    this.settled = new Promise((resolve) => {
      this.resolve = resolve;
    });
    signal.addEventListener('abort', this, { once: true });
  }

  handleEvent(): void {
    this.wake();
  }

  wake(): void {
    this.signal.removeEventListener('abort', this);
    this.onWake();
    this.resolve();
  }
}

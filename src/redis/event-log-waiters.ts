import { APPENDED_CHANNEL } from './event-log-keys.js';
import type { KnownProgress } from './event-log-known-progress.js';
import { parseAppendNotice } from './event-log-notice.js';
import type { LogProgress } from './event-log-queries.js';
import { SubscriptionProbe } from './event-log-subscription.js';
import type { NoticedTails } from './event-log-tail.js';
import type { RedisHub } from './redis-hub.js';
import type { WaitSignal } from '../events/wait-signal.js';

/**
 * The cursors of one `RedisEventLog` that wait for appends. They share the hub's one
 * subscriber connection: an append publishes its request id, new last seq and whether it
 * ended, and that request's waiters with news wake from the notice alone, without a round
 * trip; a small batch's notice carries its events too, kept for the requests waited on
 * (`NoticedTails`), so their cursors need not read them. Redis is read when a waiter
 * starts (once the subscription is confirmed) unless its cursor's reads and the notices
 * since already tell, and after a reconnect, whose lost notices every waiter makes up for
 * by reading again. No connection and no blocking command per waiter. The process
 * subscribes when its first waiter comes, not before: a worker that only appends never
 * hears the notices of every event in the deployment.
 *
 * @example
 * const waiters = new AppendWaiters(hub, { progressOf: (id) => logProgress(hub, id), known, tails });
 * await waiters.wait(requestId, afterSeq, signal);
 */
export class AppendWaiters {
  private readonly waiting = new Map<string, Set<AppendWaiter>>();
  private stopListening: (() => void) | undefined;
  private stopWatchingReconnects: (() => void) | undefined;
  /** Made by the first wait. */
  private subscription: SubscriptionProbe | undefined;
  private closed = false;

  private readonly progressOf: (requestId: string) => Promise<LogProgress>;
  private readonly known: KnownProgress;
  private readonly tails: NoticedTails;

  constructor(
    private readonly hub: RedisHub,
    sources: {
      /** Reads how far a log got from Redis. */
      readonly progressOf: (requestId: string) => Promise<LogProgress>;
      /** What is known without asking Redis; kept up to date with the notices here. */
      readonly known: KnownProgress;
      /** The events the notices carry, kept for the requests waited on. */
      readonly tails: NoticedTails;
    },
  ) {
    this.progressOf = sources.progressOf;
    this.known = sources.known;
    this.tails = sources.tails;
  }

  /**
   * Resolves once the log has an event after `afterSeq`, ends or is gone, or when Redis
   * reconnects, `signal` aborts or the waiters close. Unless this process knows how far the
   * log got (its reads and the notices since), the log is first looked at once the
   * subscription is confirmed, so no append after that look goes unnoticed.
   */
  async wait(requestId: string, afterSeq: number, signal: WaitSignal): Promise<void> {
    if (this.closed || signal.aborted) return;
    const known = this.known.settled(requestId);
    if (known && hasNews(known, afterSeq)) return; // heard already: no waiter to make
    const waiter = new AppendWaiter(afterSeq, signal, () => this.forget(requestId, waiter));
    let waiters = this.waiting.get(requestId);
    if (!waiters) this.waiting.set(requestId, (waiters = new Set()));
    waiters.add(waiter);
    if (known) return waiter.settled; // the notice of the next append wakes it
    await this.subscribed().confirmed;
    if (this.closed) waiter.wake();
    else if (!signal.aborted) await this.look(requestId, [waiter]);
    return waiter.settled;
  }

  /** Stops listening and releases every waiter. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening?.();
    this.stopWatchingReconnects?.();
    this.subscription?.stop();
    this.wakeAll();
  }

  /** The subscription to the notices, made on first use. */
  private subscribed(): SubscriptionProbe {
    if (this.subscription) return this.subscription;
    const channel = this.hub.channel(APPENDED_CHANNEL);
    this.stopListening = this.hub.listen(channel, (message) => this.onMessage(message));
    this.stopWatchingReconnects = this.hub.onReconnect(() => this.resubscribe());
    this.subscription = new SubscriptionProbe(this.hub);
    return this.subscription;
  }

  private onMessage(message: string): void {
    if (this.subscription?.receive(message)) {
      this.known.trust();
      return;
    }
    const notice = parseAppendNotice(message);
    if (!notice) return; // another process's probe
    this.known.heard(notice);
    const waiters = this.waiting.get(notice.requestId);
    this.tails.heard(notice, waiters !== undefined);
    if (waiters) wakeWithNews([...waiters], notice);
  }

  /** Wakes the waiters the log has news for; all of them when it cannot be read. */
  private async look(requestId: string, waiters: readonly AppendWaiter[]): Promise<void> {
    let progress: LogProgress;
    try {
      progress = await this.progressOf(requestId);
    } catch {
      progress = undefined; // the caller reads next and meets the error there
    }
    wakeWithNews(waiters, progress);
  }

  /** Notifications published while Redis was away are lost: every waiter looks again. */
  private resubscribe(): void {
    if (this.closed) return;
    this.known.forgetAll();
    this.tails.forgetAll();
    this.subscription?.stop();
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

/** Whether a log at `progress` (gone: `undefined`) has news for a cursor at `afterSeq`. */
function hasNews(progress: LogProgress, afterSeq: number): boolean {
  return !progress || progress.ended || progress.lastSeq > afterSeq;
}

function wakeWithNews(waiters: readonly AppendWaiter[], progress: LogProgress): void {
  for (const waiter of waiters) if (hasNews(progress, waiter.afterSeq)) waiter.wake();
}

/** One waiting cursor; its own abort listener (`handleEvent`), so it costs one small object. */
class AppendWaiter {
  readonly settled: Promise<void>;
  private resolve: () => void = () => undefined;

  constructor(
    readonly afterSeq: number,
    private readonly signal: WaitSignal,
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

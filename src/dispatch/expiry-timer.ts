import { ExpiryQueue } from '../events/expiry-queue.js';

/**
 * Items that each expire a while after they are added, all through one timer: an
 * {@link ExpiryQueue} and one unref'd timer armed to the oldest item's expiry, and armed
 * again for the next one after each sweep. For keepers whose items all wait the same time
 * (a retention window, a grace period), so that a busy gateway's thousands of them cost no
 * timer and no closure each.
 *
 * @example
 * const graces = new ExpiryTimer<string>((requestId) => cancelIfAbandoned(requestId));
 * graces.add('r1', 5_000); // cancelIfAbandoned('r1') in 5 s
 */
export class ExpiryTimer<Item> {
  private readonly queue = new ExpiryQueue<Item>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExpired: (item: Item) => void) {}

  /** Items waiting to expire. */
  get size(): number {
    return this.queue.size;
  }

  /** Expires the oldest item now, before its time (its keeper needs the room). */
  expireOldest(): void {
    const oldest = this.queue.takeOldest();
    if (oldest !== undefined) this.onExpired(oldest);
  }

  /** Adds `item`, to expire in `delayMs`: no sooner than the items added before it. */
  add(item: Item, delayMs: number): void {
    this.queue.add(item, Date.now() + delayMs);
    this.timer ??= this.armIn(delayMs);
  }

  /** Expires the items whose time has come, then waits for the next one's. */
  private sweep(): void {
    const now = Date.now();
    this.queue.takeExpired(now, this.onExpired);
    const next = this.queue.nextExpiry;
    this.timer = next === undefined ? undefined : this.armIn(next - now);
  }

  private armIn(delayMs: number): NodeJS.Timeout {
    return setTimeout(() => this.sweep(), delayMs).unref();
  }
}

/** How many taken slots may wait at the front before they are cut off the arrays. */
const COMPACT_AFTER = 1024;

/**
 * Items that expire in the order they were added, for a keeper whose items all wait the
 * same time (a retention window): one timer of the keeper's sweeps them all, with no timer,
 * closure or wrapper object per item. Times are kept apart from the items, as plain
 * doubles, so an item carries no expiry field of its own.
 *
 * @example
 * const queue = new ExpiryQueue<string>();
 * queue.add('a', Date.now() + 60_000);
 * queue.nextExpiry;                                  // when 'a' expires
 * queue.takeExpired(Date.now() + 60_000, forget);    // calls forget('a')
 */
export class ExpiryQueue<Item> {
  private readonly items: (Item | undefined)[] = [];
  private readonly times: number[] = [];
  private head = 0;

  /** When the oldest item expires (milliseconds since the epoch); `undefined` when empty. */
  get nextExpiry(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  /** Items not yet taken. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item that expires at `expiresAt`, no sooner than the items before it. */
  add(item: Item, expiresAt: number): void {
    this.items.push(item);
    this.times.push(expiresAt);
  }

  /** Takes every item expired by `now`, oldest first, handing each to `onExpired`. */
  takeExpired(now: number, onExpired: (item: Item) => void): void {
    while (this.head < this.items.length && this.times[this.head]! <= now)
      onExpired(this.takeHead());
    this.compact();
  }

  /** Takes the oldest item before its time (its keeper needs the room); `undefined` when empty. */
  takeOldest(): Item | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.takeHead();
    this.compact();
    return item;
  }

  private takeHead(): Item {
    const item = this.items[this.head] as Item;
    this.items[this.head] = undefined;
    this.head++;
    return item;
  }

  private compact(): void {
    if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

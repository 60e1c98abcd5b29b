/**
 * How many event streams are open, and a way to wait until none is: the gateway's `close()`
 * waits on it instead of polling. Pure: no sockets, no timers but the wait's own.
 *
 * @example
 * const count = new OpenCount();
 * const release = count.open();
 * release(); // resolves every `whenZero()` waiting
 */
export class OpenCount {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  /** Streams open now. */
  get size(): number {
    return this.count;
  }

  /** Counts one more stream; the returned release counts it out, once however often it is called. */
  open(): () => void {
    this.count += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.count -= 1;
      if (this.count === 0) this.wakeAll();
    };
  }

  /** Resolves `true` once no stream is open, or `false` after `timeoutMs` if some still are. */
  whenZero(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

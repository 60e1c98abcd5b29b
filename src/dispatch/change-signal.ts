/**
 * Wakes whoever waits for "something changed": a request started, ended or moved up the
 * queue. Waiters re-read the state; the signal carries nothing.
 *
 * @example
 * const changes = new ChangeSignal();
 * await changes.next(signal);
 * changes.notify();
 */
export class ChangeSignal {
  private waiters = new Set<() => void>();

  /** Resolves at the next `notify`, or when `signal` aborts. */
  next(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }
}

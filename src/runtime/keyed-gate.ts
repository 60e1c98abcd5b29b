import { freshHolder, heldKeysFirst, scheduleRun } from './key-placement.js';

interface Waiter {
  readonly key: string | undefined;
  readonly start: () => void;
}

/** Lets the run go: its key's place is free again. */
export type Release = () => void;

/**
 * Keyed state in one process (an inline runtime, or a Redis worker's): runs of one key
 * share the process up to `limit` at once, a run of another key waits until they are
 * done. The held key keeps the process for its turn; then a waiting key stops it from
 * taking more (`scheduleRun`), so no key starves. Waiting runs start in arrival order as
 * far as the rule allows.
 *
 * @example
 * const release = await gate.acquire('adapter-a', signal);
 * if (release) try { await run(); } finally { release(); }
 */
export class KeyedGate {
  private readonly holder = freshHolder();
  private waiters: Waiter[] = [];
  private switchCount = 0;

  constructor(private readonly limit: number) {}

  /** Times the process switched from one key to another. */
  get switches(): number {
    return this.switchCount;
  }

  /** The key held now. */
  get heldKey(): string | undefined {
    return this.holder.heldKey;
  }

  /**
   * Resolves once a run of `key` may start, with its release; `undefined` when `signal`
   * aborted while it waited (it then never started).
   */
  acquire(key: string | undefined, signal: AbortSignal): Promise<Release | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.tryStart(key)) return Promise.resolve(this.releaser());
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        this.drain(); // a key set aside for this run may now be given back
        resolve(undefined);
      };
      const entry: Waiter = {
        key,
        start: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(entry);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holder.load--;
      this.drain();
    };
  }

  private tryStart(key: string | undefined): boolean {
    const { holder, switched } = scheduleRun([this.holder], key, { limit: this.limit });
    if (switched) this.switchCount++;
    return holder !== undefined;
  }

  /** Starts waiting runs that may start now: the held key's first, each in arrival order. */
  private drain(): void {
    if (this.holder.drainingFor !== undefined && !this.waiters.some(this.waitsForReserved))
      this.holder.drainingFor = undefined;
    for (const waiter of heldKeysFirst(this.waiters, (waiter) => waiter.key, [this.holder])) {
      if (!this.tryStart(waiter.key)) continue;
      this.waiters = this.waiters.filter((other) => other !== waiter);
      waiter.start();
    }
  }

  private readonly waitsForReserved = (waiter: Waiter) => waiter.key === this.holder.drainingFor;
}

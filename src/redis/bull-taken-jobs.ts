import type { Job } from 'bullmq';
import type { QueueEntry } from '../dispatch/request-queue.js';

/** A job this process took, and the token that holds its lock. */
export interface TakenJob {
  readonly job: Job<QueueEntry>;
  readonly token: string;
}

/** Told of a taken run whose lock this process no longer holds. */
export type LockLostListener = (requestId: string) => void;

interface Held extends TakenJob {
  readonly timer: NodeJS.Timeout;
  /** When the last renewal that succeeded was sent: the lock lasts lockMs from then. */
  lockedSince: number;
  renewing: boolean;
}

/**
 * The jobs a process took and runs: it renews each one's lock every `lockMs / 2` until
 * the run is released. A process that dies stops renewing, so its jobs' locks expire and
 * another process's stalled checker finds them. A renewal that finds the lock gone (or
 * none that succeeded for `lockMs`) means the job may be someone else's now: it is
 * forgotten and reported to the `onLockLost` listeners.
 *
 * @example
 * const taken = new TakenJobs(10_000, console.error);
 * taken.onLockLost((requestId) => abort(requestId));
 * taken.keep(job, token);
 * const { job: settled, token: held } = taken.release(job.id!)!;
 */
export class TakenJobs {
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<LockLostListener>();

  constructor(
    private readonly lockMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Starts renewing the job's lock (replacing any renewal of the same request). */
  keep(job: Job<QueueEntry>, token: string): void {
    const requestId = job.data.requestId;
    this.release(requestId); // the same process may take its own retried request again
    const timer = setInterval(() => this.renew(held), this.lockMs / 2);
    const held: Held = { job, token, timer, lockedSince: Date.now(), renewing: false };
    this.held.set(requestId, held);
  }

  /** Stops renewing; the job, when this process holds it. */
  release(requestId: string): TakenJob | undefined {
    const taken = this.held.get(requestId);
    if (!taken) return undefined;
    clearInterval(taken.timer);
    this.held.delete(requestId);
    return { job: taken.job, token: taken.token };
  }

  /** Calls `listener` for each job whose lock was lost; returns the function that stops it. */
  onLockLost(listener: LockLostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops renewing every lock, as a process that dies would. */
  abandon(): void {
    for (const requestId of [...this.held.keys()]) this.release(requestId);
  }

  private renew(held: Held): void {
    if (Date.now() - held.lockedSince >= this.lockMs) return this.lose(held);
    if (held.renewing) return; // a renewal waits for Redis; the check above bounds it
    held.renewing = true;
    const sentAt = Date.now();
    const renewed = async () => {
      const extended = await held.job.extendLock(held.token, this.lockMs);
      if (extended === 1) held.lockedSince = sentAt;
      else this.lose(held);
    };
    void renewed()
      .catch(this.onError)
      .finally(() => (held.renewing = false));
  }

  private lose(held: Held): void {
    clearInterval(held.timer);
    const requestId = held.job.data.requestId;
    // A renewal answering after a release (or a newer keep) speaks of a job no longer held.
    if (this.held.get(requestId) !== held) return;
    this.held.delete(requestId);
    for (const listener of this.listeners) listener(requestId);
  }
}

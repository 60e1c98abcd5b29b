import type { Job } from 'bullmq';
import type { QueueEntry } from '../dispatch/request-queue.js';

/**
 * What renews many locks of one lane in one round trip (a lane's BullMQ `Worker`):
 * answers the ids whose lock it could not extend.
 */
export interface LockRenewer {
  extendJobLocks(jobIds: string[], tokens: string[], durationMs: number): Promise<string[]>;
}

/** A job this process took, and the token that holds its lock. */
export interface TakenJob {
  readonly job: Job<QueueEntry>;
  readonly token: string;
}

/** Told of a taken run whose lock this process no longer holds. */
export type LockLostListener = (requestId: string) => void;

interface Held extends TakenJob {
  readonly renewer: LockRenewer;
  /** When the last renewal that succeeded was sent: the lock lasts lockMs from then. */
  lockedSince: number;
  renewing: boolean;
}

/**
 * The jobs a process took and runs: every `lockMs / 2` it renews the locks of all of them,
 * one round trip per lane however many runs it holds, until each run is released. A
 * process that dies stops renewing, so its jobs' locks expire and another process's
 * stalled checker finds them. A renewal that finds a lock gone (or none that succeeded for
 * `lockMs`) means the job may be someone else's now: it is forgotten and reported to the
 * `onLockLost` listeners.
 *
 * @example
 * const taken = new TakenJobs(10_000, console.error);
 * taken.onLockLost((requestId) => abort(requestId));
 * taken.keep(job, token, laneWorker);
 * const { job: settled, token: held } = taken.release(job.id!)!;
 */
export class TakenJobs {
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<LockLostListener>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly lockMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Starts renewing the job's lock (replacing any renewal of the same request). */
  keep(job: Job<QueueEntry>, token: string, renewer: LockRenewer): void {
    const requestId = job.data.requestId;
    this.release(requestId); // the same process may take its own retried request again
    this.held.set(requestId, { job, token, renewer, lockedSince: Date.now(), renewing: false });
    this.timer ??= setInterval(() => this.renewAll(), this.lockMs / 2);
  }

  /** Stops renewing; the job, when this process holds it. */
  release(requestId: string): TakenJob | undefined {
    const taken = this.held.get(requestId);
    if (!taken) return undefined;
    this.forget(requestId);
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

  private forget(requestId: string): void {
    this.held.delete(requestId);
    if (this.held.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewAll(): void {
    const byRenewer = new Map<LockRenewer, Held[]>();
    const now = Date.now();
    for (const held of [...this.held.values()]) {
      if (now - held.lockedSince >= this.lockMs) this.lose(held);
      else if (!held.renewing) {
        // a renewal still waiting for Redis is bounded by the check above
        const lane = byRenewer.get(held.renewer);
        if (lane) lane.push(held);
        else byRenewer.set(held.renewer, [held]);
      }
    }
    for (const [renewer, lane] of byRenewer) this.renew(renewer, lane, now);
  }

  private renew(renewer: LockRenewer, lane: readonly Held[], sentAt: number): void {
    for (const held of lane) held.renewing = true;
    const ids = lane.map((held) => held.job.id!);
    const renewed = async () => {
      const failed = new Set(
        await renewer.extendJobLocks(
          ids,
          lane.map((held) => held.token),
          this.lockMs,
        ),
      );
      for (const held of lane) {
        if (failed.has(held.job.id!)) this.lose(held);
        else held.lockedSince = sentAt;
      }
    };
    void renewed()
      .catch(this.onError)
      .finally(() => {
        for (const held of lane) held.renewing = false;
      });
  }

  private lose(held: Held): void {
    const requestId = held.job.data.requestId;
    // A renewal answering after a release (or a newer keep) speaks of a job no longer held.
    if (this.held.get(requestId) !== held) return;
    this.forget(requestId);
    for (const listener of this.listeners) listener(requestId);
  }
}

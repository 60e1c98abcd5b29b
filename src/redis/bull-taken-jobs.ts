import type { Job } from 'bullmq';
import type { QueueEntry } from '../dispatch/request-queue.js';

/** A job this process took, and the token that holds its lock. */
export interface TakenJob {
  readonly job: Job<QueueEntry>;
  readonly token: string;
}

/**
 * The jobs a process took and runs: it renews each one's lock every `lockMs / 2` until
 * the run is released. A process that dies stops renewing, so its jobs' locks expire and
 * another process's stalled checker finds them.
 *
 * @example
 * const taken = new TakenJobs(10_000);
 * taken.keep(job, token);
 * const { job: settled, token: held } = taken.release(job.id!)!;
 */
export class TakenJobs {
  private readonly held = new Map<string, TakenJob & { readonly timer: NodeJS.Timeout }>();

  constructor(
    private readonly lockMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Starts renewing the job's lock. */
  keep(job: Job<QueueEntry>, token: string): void {
    const renew = () => {
      job.extendLock(token, this.lockMs).catch(this.onError);
    };
    const timer = setInterval(renew, this.lockMs / 2);
    this.held.set(job.data.requestId, { job, token, timer });
  }

  /** Stops renewing; the job, when this process holds it. */
  release(requestId: string): TakenJob | undefined {
    const taken = this.held.get(requestId);
    if (!taken) return undefined;
    clearInterval(taken.timer);
    this.held.delete(requestId);
    return { job: taken.job, token: taken.token };
  }

  /** Stops renewing every lock, as a process that dies would. */
  abandon(): void {
    for (const requestId of [...this.held.keys()]) this.release(requestId);
  }
}

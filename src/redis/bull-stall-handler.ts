import { Job, type Queue } from 'bullmq';
import type { QueueEntry } from '../dispatch/request-queue.js';
import type { BullIndex } from './bull-index.js';

/** Told of a run whose process died: `retrying` when it waits again, else it failed. */
export type LostListener = (entry: QueueEntry, retrying: boolean) => void;

/** What a {@link BullStallHandler} works with. */
export interface StallHandlerOptions {
  readonly index: BullIndex;
  readonly onError: (error: unknown) => void;
}

const WAITING_STATES = new Set(['waiting', 'prioritized']);

/**
 * What follows a stalled job: BullMQ's checker has moved it back to wait, either to be
 * retried or marked to fail (its retries ran out). A retried job goes back into the index
 * at its first place; a failed one is removed, by whoever gets to it first: this handler
 * or a `take` that claims it.
 *
 * @example
 * const stalls = new BullStallHandler({ index, onError });
 * stalls.onLost((entry, retrying) => console.log(entry.requestId, retrying));
 * worker.on('stalled', (jobId) => stalls.stalled(queue, jobId));
 */
export class BullStallHandler {
  private readonly listeners = new Set<LostListener>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: StallHandlerOptions) {}

  /** Calls `listener` for every lost run; returns the function that stops it. */
  onLost(listener: LostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Handles a job the stalled checker of this process moved back to wait. */
  stalled(queue: Queue<QueueEntry>, jobId: string): void {
    const handled = this.handle(queue, jobId).catch(this.options.onError);
    this.pending.add(handled);
    void handled.finally(() => this.pending.delete(handled));
  }

  /** Fails a claimed job whose retries ran out, and reports it lost. */
  async failExhausted(job: Job<QueueEntry>, token: string): Promise<void> {
    await job.moveToFailed(new Error(job.deferredFailure), token, false);
    await this.reportFailed(job.data);
  }

  /** Resolves once every stall being handled is. */
  async idle(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async handle(queue: Queue<QueueEntry>, jobId: string): Promise<void> {
    const job = await Job.fromId<QueueEntry>(queue, jobId);
    if (!job) return;
    if (job.deferredFailure) {
      // 0: a take claimed it first and fails it itself.
      if ((await queue.remove(jobId)) === 1) await this.reportFailed(job.data);
      return;
    }
    await this.relist(queue, jobId);
    await this.options.index.announce(job.data.appId);
    this.report(job.data, true);
  }

  private async relist(queue: Queue<QueueEntry>, jobId: string): Promise<void> {
    const { index } = this.options;
    const record = await index.lookup(jobId);
    if (!record) return;
    await index.relist(record);
    // A take may have claimed it before it was listed again: then the listing must go.
    if (!WAITING_STATES.has(await queue.getJobState(jobId))) await index.unlist(record.entry);
  }

  private async reportFailed(entry: QueueEntry): Promise<void> {
    // Both this handler and a take may get here for one job; the record goes once.
    if (!(await this.options.index.forget(entry.requestId))) return;
    await this.options.index.announce(entry.appId);
    this.report(entry, false);
  }

  private report(entry: QueueEntry, retrying: boolean): void {
    for (const listener of this.listeners) listener(entry, retrying);
  }
}

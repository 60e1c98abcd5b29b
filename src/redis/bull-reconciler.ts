import type { Queue } from 'bullmq';
import type { QueueEntry } from '../dispatch/request-queue.js';
import type { BullIndex } from './bull-index.js';
import { laneName, type Lane } from './bull-lane-name.js';

/** What a {@link BullReconciler} works with, and how often. */
export interface ReconcilerOptions {
  readonly index: BullIndex;
  readonly queueOf: (lane: Lane) => Queue<QueueEntry>;
  /** Time between passes. */
  readonly everyMs: number;
  /** Age after which a listed entry whose job does not wait is taken off the index. */
  readonly orphanAfterMs: number;
  readonly onError: (error: unknown) => void;
}

/** Entries (and jobs) looked at per lane and pass, from the head: a pass stays cheap. */
const PAGE_SIZE = 100;
const WAITING_STATES = new Set(['waiting', 'prioritized']);

/**
 * Repairs drift between the index and BullMQ that a process dying at the wrong moment
 * leaves behind, a page per served lane every `everyMs`: an entry listed for a job that
 * never came (its gateway died between listing and adding) or no longer waits is taken
 * off; a job waiting in BullMQ but missing from the index (its stalled checker died
 * before listing it again) is listed again at its first place. Orphans never move while
 * the entries ahead of them are taken, so they reach the head page in time.
 *
 * @example
 * const reconciler = new BullReconciler({ index, queueOf, everyMs: 15_000, orphanAfterMs: 30_000, onError });
 * reconciler.serve([{ appId: 'demo/text', endpoint: '' }]);
 * await reconciler.stop();
 */
export class BullReconciler {
  private readonly lanes = new Map<string, Lane>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ReconcilerOptions) {}

  /** Adds lanes to the passes, and starts them. */
  serve(lanes: readonly Lane[]): void {
    for (const lane of lanes) this.lanes.set(laneName(lane), lane);
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.options.everyMs);
    this.timer.unref();
  }

  /** Runs one pass over every served lane now. */
  async pass(): Promise<void> {
    for (const lane of this.lanes.values()) {
      await this.dropOrphans(lane);
      await this.relistStrays(lane);
    }
  }

  /** Stops the passes; resolves once the one under way ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .catch(this.options.onError)
      .finally(() => (this.running = undefined));
  }

  private async dropOrphans(lane: Lane): Promise<void> {
    const { index, orphanAfterMs } = this.options;
    const queue = this.options.queueOf(lane);
    const requestIds = await index.laneHead(lane, PAGE_SIZE);
    const records = await index.records(requestIds);
    for (const [position, requestId] of requestIds.entries()) {
      const record = records[position];
      // A young entry may belong to an enqueue whose job is being added right now.
      if (record && Date.now() - (record.listedAt ?? 0) < orphanAfterMs) continue;
      if (record && WAITING_STATES.has(await queue.getJobState(requestId))) continue;
      await index.unlist({ ...lane, requestId });
    }
  }

  private async relistStrays(lane: Lane): Promise<void> {
    const { index } = this.options;
    const queue = this.options.queueOf(lane);
    const waiting = await queue.getRanges(['waiting', 'prioritized'], 0, PAGE_SIZE - 1);
    const listed = await index.listedIn(lane, waiting);
    const strays = waiting.filter((_requestId, position) => !listed[position]);
    const records = await index.records(strays);
    for (const [position, requestId] of strays.entries()) {
      const record = records[position];
      if (record) await index.relist(record);
      else await this.listAnew(queue, requestId);
      // A take may have claimed it meanwhile: then the listing must go.
      if (!WAITING_STATES.has(await queue.getJobState(requestId)))
        await index.unlist({ ...lane, requestId });
    }
    if (strays.length > 0) await index.announce(lane.appId);
  }

  /** A waiting job with no record (its enqueue failed after all): listed at the back. */
  private async listAnew(queue: Queue<QueueEntry>, requestId: string): Promise<void> {
    const job = await queue.getJob(requestId);
    if (job) await this.options.index.list(job.data);
  }
}

import { randomUUID } from 'node:crypto';
import type { AppQueueStats, QueueEntry, RequestQueue } from '../dispatch/request-queue.js';
import type { AdmittedEnqueue } from './bull-admission.js';
import { BullIndex } from './bull-index.js';
import { laneName, type Lane } from './bull-lane-name.js';
import { BullLanes } from './bull-lanes.js';
import { bullPriority, checkPriority } from './bull-priority.js';
import { BullReconciler } from './bull-reconciler.js';
import { BullStallHandler, type LostListener } from './bull-stall-handler.js';
import { TakenJobs, type LockLostListener } from './bull-taken-jobs.js';
import type { BullQueueOptions } from './bull-queue-options.js';
import type { RedisHub } from './redis-hub.js';

export type { BullQueueOptions } from './bull-queue-options.js';
export type { AdmissionBounds, AdmissionWrites, AdmittedEnqueue } from './bull-admission.js';

// A lane can hand out jobs whose retries ran out; each is failed and the next one tried.
const MAX_CLAIMS_PER_LANE = 100;

/**
 * The scale-out {@link RequestQueue}: a BullMQ queue per lane (app and endpoint) under the
 * hub's prefix, ordered across lanes by an index of its own ({@link BullIndex}). Gateways
 * `enqueue`, `remove` and read `position`/`depth`; worker processes `take`, run, and
 * `settle`. A taken job is locked while its run lasts; when its process dies, another
 * process's stalled checker reports it through `onLost`, and BullMQ retries it (as many
 * times as `retriesOf` allows) or fails it.
 *
 * @example
 * const queue = new BullRequestQueue(hub, { retriesOf: () => 1 });
 * queue.onQueued(() => wake());
 * queue.onLost((entry, retrying) => retrying || endWithWorkerLost(entry.requestId));
 * const entry = await queue.take((candidate) => candidate.appId === 'demo/text');
 * if (entry) await run(entry).finally(() => queue.settle(entry.requestId));
 */
export class BullRequestQueue implements RequestQueue, AsyncDisposable {
  private readonly index: BullIndex;
  private readonly lanes: BullLanes;
  private readonly taken: TakenJobs;
  private readonly stalls: BullStallHandler;
  private readonly reconciler: BullReconciler;
  private readonly stoppers = new Set<() => void>();
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly hub: RedisHub,
    options: BullQueueOptions = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    const { onError } = this;
    const lockMs = options.lockMs ?? 10_000;
    const stalledCheckMs = options.stalledCheckMs ?? 5_000;
    this.index = new BullIndex(hub);
    this.taken = new TakenJobs(lockMs, onError);
    this.stalls = new BullStallHandler({ index: this.index, onError });
    this.lanes = new BullLanes(hub, {
      lockMs,
      stalledCheckMs,
      retriesOf: options.retriesOf ?? (() => 0),
      concurrencyOf: options.concurrencyOf ?? (() => undefined),
      onStalled: (lane, jobId) => this.stalls.stalled(this.lanes.queue(lane), jobId),
      onError,
    });
    this.reconciler = new BullReconciler({
      index: this.index,
      queueOf: (lane) => this.lanes.queue(lane),
      everyMs: options.reconcileMs ?? 3 * stalledCheckMs,
      orphanAfterMs: options.orphanAfterMs ?? 30_000,
      onError,
    });
  }

  readonly enqueue = async (entry: QueueEntry): Promise<void> => {
    checkEntry(entry);
    if (!(await this.index.list(entry))) throw alreadyQueued(entry);
    await this.addJob(entry);
  };

  /**
   * Enqueues an entry only if its lane has room within `admission.bounds`, counted over
   * every gateway and worker: the check, the listing and `admission.writes` are one Redis
   * script, so no burst passes the bounds and no worker can take the entry before they
   * are written. `false` when the lane is full: then nothing of the entry is kept. When
   * the BullMQ job fails, the place is given back (the writes stay).
   *
   * @example
   * const bounds = { queued: 3, concurrent: 2, capacity: 4, appLanes: [lane] };
   * if (!(await queue.enqueueAdmitted(entry, { bounds }))) throw overloaded();
   */
  readonly enqueueAdmitted = async (
    entry: QueueEntry,
    admission: AdmittedEnqueue,
  ): Promise<boolean> => {
    checkEntry(entry);
    const { bounds, writes } = admission;
    const runningKeys = this.runningKeysOf(entry, bounds.appLanes);
    const outcome = await this.index.admit(entry, { bounds, runningKeys, writes });
    if (outcome === 'taken') throw alreadyQueued(entry);
    if (outcome === 'exists') throw new Error(`Request ${entry.requestId} already exists`);
    if (outcome === 'full') return false;
    await this.addJob(entry);
    return true;
  };

  readonly take = async (
    eligible: (entry: QueueEntry) => boolean,
  ): Promise<QueueEntry | undefined> => {
    for await (const entry of this.takeEach(eligible)) return entry;
    return undefined;
  };

  /**
   * Takes entries one after another from a single walk of the index, in start order:
   * `eligible` is asked again before each (a caller that starts what it took has less
   * room each time). A lane is claimed from until it has nothing left for this process.
   * What is listed after the walk began is left for the next call: its enqueue announces
   * it (see {@link onQueued}). Stopping the iteration early takes nothing more.
   *
   * @example
   * for await (const entry of queue.takeEach((candidate) => hasRoomFor(candidate))) start(entry);
   */
  async *takeEach(eligible: (entry: QueueEntry) => boolean): AsyncGenerator<QueueEntry> {
    const exhausted = new Set<string>();
    for await (const waiting of this.index.walk()) {
      const lane = laneName(waiting);
      if (exhausted.has(lane) || !eligible(waiting)) continue;
      const entry = await this.claim(waiting);
      if (entry) yield entry;
      else exhausted.add(lane);
    }
  }

  readonly remove = async (requestId: string): Promise<boolean> => {
    const record = await this.index.lookup(requestId);
    // The index is the gate between concurrent removers; BullMQ refuses a locked (taken) job.
    if (!record || !(await this.index.unlist(record.entry))) return false;
    if ((await this.lanes.queue(record.entry).remove(requestId)) !== 1) return false;
    await this.index.forget(requestId);
    return true;
  };

  readonly position = (requestId: string): Promise<number | undefined> =>
    this.index.position(requestId);

  readonly depth = (): Promise<number> => this.index.depth();

  readonly appStats = (appId: string): Promise<AppQueueStats> => this.index.appStats(appId);

  /** Entries of one lane waiting to start, on every gateway. */
  readonly laneDepth = (lane: Lane): Promise<number> => this.index.laneDepth(lane);

  readonly drain = async (): Promise<QueueEntry[]> => {
    const drained: QueueEntry[] = [];
    for await (const waiting of this.index.walk()) {
      const job = await this.lanes.queue(waiting).getJob(waiting.requestId);
      if (job && (await this.remove(waiting.requestId))) drained.push(job.data);
    }
    return drained;
  };

  /**
   * Ends a run this instance took: stops renewing its lock and completes its job (which
   * BullMQ then deletes). Does nothing for a request this instance does not hold, nor for
   * one whose lock it lost (see {@link onLockLost}): a retry elsewhere may hold it now.
   * Rejects when the lock was lost after the last renewal, before the loss was noticed.
   * Resolves `true` when something waits in the queue now (this instance may take it),
   * `false` when nothing does.
   */
  async settle(requestId: string): Promise<boolean> {
    const taken = this.taken.release(requestId);
    if (!taken) return true;
    await taken.job.moveToCompleted(null, taken.token, false);
    // Its lane may have been at its limit: tell the others, if anything waits, while the
    // record goes.
    const appId = taken.job.data.appId;
    const [, waiting] = await Promise.all([
      this.index.forget(requestId),
      this.index.announceIfWaiting(appId),
    ]);
    return waiting;
  }

  /**
   * Calls `listener` for each run whose process died, as found by this instance's stalled
   * checker (or by a `take` that met a job whose retries ran out). `retrying`: the
   * request waits again (at the front) for any worker to take it; otherwise it failed
   * and the caller ends it with `worker_lost`. Returns the function that stops it.
   */
  onLost(listener: LostListener): () => void {
    return this.stalls.onLost(listener);
  }

  /**
   * Calls `listener` with the id of each run this instance took whose lock it lost: a
   * renewal found the lock gone (the run was found stalled, and retried or failed
   * elsewhere) or none succeeded for as long as a lock lasts. The run is no longer this
   * instance's: stop it without settling or ending it (its retry, or the process that
   * found it stalled, ends it). Returns the function that stops it.
   */
  onLockLost(listener: LockLostListener): () => void {
    return this.taken.onLockLost(listener);
  }

  /**
   * Calls `listener` whenever something may wait anew anywhere, or a lane at its
   * concurrency may have room: an enqueue or a settle on any process, a lost run, or the
   * subscriber connection back after a loss.
   * Returns the function that stops it.
   */
  onQueued(listener: () => void): () => void {
    const stopListening = this.hub.listen(this.index.queuedChannel, () => listener());
    const stopReconnect = this.hub.onReconnect(listener);
    const stop = () => {
      stopListening();
      stopReconnect();
      this.stoppers.delete(stop);
    };
    this.stoppers.add(stop);
    return stop;
  }

  /**
   * Opens the lanes' workers now, so this instance checks them for stalled runs even
   * before (or without) taking from them, and repairs drift between the index and BullMQ
   * in them every `reconcileMs`.
   */
  async serveLanes(lanes: readonly Lane[]): Promise<void> {
    await Promise.all(lanes.map((lane) => this.lanes.worker(lane)));
    this.reconciler.serve(lanes);
  }

  /**
   * Closes the BullMQ queues and workers it opened; never the hub. Runs still taken are
   * not settled: their locks lapse and another process finds them stalled, as if this
   * one had died. Settle them first to end them cleanly.
   */
  async close(): Promise<void> {
    this.taken.abandon();
    for (const stop of [...this.stoppers]) stop();
    await this.reconciler.stop();
    await this.stalls.idle();
    await this.lanes.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Adds a listed entry's BullMQ job, or gives its place back. */
  private async addJob(entry: QueueEntry): Promise<void> {
    try {
      await this.lanes.queue(entry).add('request', entry, {
        jobId: entry.requestId,
        priority: bullPriority(entry.priority),
        removeOnComplete: true,
        removeOnFail: true,
      });
    } catch (error) {
      // Should this fail too, the reconciler drops the listing once it is orphanAfterMs old.
      await this.index.unlist(entry);
      await this.index.forget(entry.requestId);
      throw error;
    }
    await this.index.announce(entry.appId);
  }

  /** The BullMQ active lists of the app's lanes, `lane`'s own first. */
  private runningKeysOf(lane: Lane, appLanes: readonly Lane[]): string[] {
    const others = appLanes.filter((other) => laneName(other) !== laneName(lane));
    return [lane, ...others].map((each) => this.lanes.queue(each).toKey('active'));
  }

  private async claim(lane: Lane): Promise<QueueEntry | undefined> {
    for (let attempt = 0; attempt < MAX_CLAIMS_PER_LANE; attempt++) {
      const token = randomUUID();
      const job = await this.lanes.claim(lane, token);
      if (!job) return undefined;
      // The job BullMQ hands out may not be the index's head for this lane (races, retries).
      // Its unlisting is not waited for: the next command on the connection (the next walk,
      // the run's first look at its log) comes after it in Redis all the same. Should it
      // fail, the reconciler drops the stale listing.
      this.index.unlist(job.data).catch(this.onError);
      if (!job.deferredFailure) {
        this.taken.keep(job, token, await this.lanes.worker(lane));
        return job.data;
      }
      await this.stalls.failExhausted(job, token);
    }
    return undefined;
  }
}

function checkEntry(entry: QueueEntry): void {
  checkPriority(entry.priority);
  checkJobId(entry.requestId);
}

function alreadyQueued(entry: QueueEntry): TypeError {
  return new TypeError(`Request ${entry.requestId} is already queued`);
}

function checkJobId(requestId: string): void {
  // BullMQ refuses custom job ids that are integers or hold a ':'.
  if (requestId.includes(':') || String(Number.parseInt(requestId, 10)) === requestId)
    throw new TypeError('A request id must not be an integer or contain ":"');
}

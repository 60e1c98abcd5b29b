import { Queue, Worker, type Job } from 'bullmq';
import type { QueueEntry } from '../dispatch/request-queue.js';
import { laneName, type Lane } from './bull-lane-name.js';
import type { RedisHub } from './redis-hub.js';

/**
 * A lane Worker's connections wait out a Redis restart as the hub's do: commands queue
 * meanwhile, and reconnects are tried at least every 2 s (BullMQ's own default backs off
 * to 20 s).
 */
const RECONNECTING = {
  maxRetriesPerRequest: null,
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2_000),
};

/** How the lanes' BullMQ workers behave, and where they report. */
export interface LaneSettings {
  readonly lockMs: number;
  readonly stalledCheckMs: number;
  readonly retriesOf: (lane: Lane) => number;
  /** A lane's cluster-wide limit, set when a number; `undefined` leaves the current one. */
  readonly concurrencyOf: (lane: Lane) => number | undefined;
  /** This process's stalled checker moved a job of `lane` back to wait (or marked it failed). */
  readonly onStalled: (lane: Lane, jobId: string) => void;
  readonly onError: (error: Error) => void;
}

/**
 * The BullMQ `Queue` and `Worker` of each lane, opened on first use. Queues share the
 * hub's command connection; a Worker needs connections of its own (BullMQ's blocking
 * one among them), so only processes that take open Workers.
 *
 * @example
 * const lanes = new BullLanes(hub, settings);
 * await lanes.queue({ appId: 'demo/text', endpoint: '' }).add('request', entry, { jobId });
 * const job = await lanes.claim({ appId: 'demo/text', endpoint: '' }, token);
 */
export class BullLanes {
  private readonly queues = new Map<string, Queue<QueueEntry>>();
  private readonly workers = new Map<string, Promise<Worker<QueueEntry>>>();
  private readonly prefix: string;
  private closed = false;

  constructor(
    private readonly hub: RedisHub,
    private readonly settings: LaneSettings,
  ) {
    this.prefix = hub.key('bull');
  }

  /** The lane's BullMQ queue. */
  queue(lane: Lane): Queue<QueueEntry> {
    const name = laneName(lane);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<QueueEntry>(name, { connection: this.hub.command, prefix: this.prefix });
      queue.on('error', this.settings.onError);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The lane's BullMQ worker, checking for stalled jobs from the moment it opens. */
  worker(lane: Lane): Promise<Worker<QueueEntry>> {
    if (this.closed) return Promise.reject(new Error('The BullMQ queue is closed'));
    const name = laneName(lane);
    let worker = this.workers.get(name);
    if (!worker) {
      worker = this.openWorker(lane, name);
      this.workers.set(name, worker);
    }
    return worker;
  }

  /** Locks the lane's next job for `token`; nothing when it is empty or at its concurrency. */
  async claim(lane: Lane, token: string): Promise<Job<QueueEntry> | undefined> {
    const worker = await this.worker(lane);
    const job: Job<QueueEntry> | undefined = await worker.getNextJob(token, { block: false });
    return job;
  }

  /** Closes the workers and queues it opened (the hub's connection stays open). */
  async close(): Promise<void> {
    this.closed = true;
    const workers = await Promise.allSettled(this.workers.values());
    const opened = workers.flatMap((worker) =>
      worker.status === 'fulfilled' ? [worker.value] : [],
    );
    await Promise.all(opened.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  private async openWorker(lane: Lane, name: string): Promise<Worker<QueueEntry>> {
    // Only an explicit limit is applied, never removed: a process that knows none (a
    // gateway, a worker with other settings) must not lift the one another applied.
    const concurrency = this.settings.concurrencyOf(lane);
    if (concurrency !== undefined) await this.queue(lane).setGlobalConcurrency(concurrency);
    const worker = new Worker<QueueEntry>(name, null, {
      connection: { url: this.hub.url, ...RECONNECTING },
      prefix: this.prefix,
      autorun: false,
      lockDuration: this.settings.lockMs,
      maxStalledCount: this.settings.retriesOf(lane),
      stalledInterval: this.settings.stalledCheckMs,
    });
    worker.on('error', this.settings.onError);
    worker.on('stalled', (jobId) => this.settings.onStalled(lane, jobId));
    // Jobs are fetched by hand, so BullMQ's main loop, which would start the checker, never runs.
    await worker.startStalledCheckTimer();
    return worker;
  }
}

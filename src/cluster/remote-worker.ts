import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { CANCEL_SETTLE_MS } from '../dispatch/dispatch-defaults.js';
import { NO_OBSERVER, type DispatchObserver } from '../dispatch/dispatch-observer.js';
import { RequestAftermath } from '../dispatch/request-aftermath.js';
import type { RequestDispatch } from '../dispatch/request-dispatch.js';
import type { QueueEntry, RequestQueue } from '../dispatch/request-queue.js';
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from '../dispatch/webhook-delivery.js';
import type { EventLog } from '../events/event-log.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/runtime.js';
import { RunControl } from '../runtime/run-control.js';
import { endLost } from './remote-endings.js';
import { RemoteRun, type RemoteRunParts } from './remote-run.js';
import type { RunStates } from './run-states.js';

/** The queue as a worker uses it: the worker-side calls of the BullMQ queue. */
export interface WorkerQueue extends Pick<RequestQueue, 'appStats'> {
  /** Takes eligible entries one after another from one look at the queue. */
  takeEach(eligible: (entry: QueueEntry) => boolean): AsyncIterable<QueueEntry>;
  /** The run is over: release the entry for good. `false` when nothing waits in the queue. */
  settle(requestId: string): Promise<boolean>;
  /** A taken entry whose worker died; `retrying` when it went back to the queue. */
  onLost(listener: (entry: QueueEntry, retrying: boolean) => void): () => void;
  /** Something may be waiting anew. */
  onQueued(listener: () => void): () => void;
  /** This process lost the lock of a run it holds (it was found stalled). */
  onLockLost(listener: (requestId: string) => void): () => void;
}

/** What a {@link RemoteWorker} needs. */
export interface RemoteWorkerOptions {
  readonly apps: readonly App[];
  readonly runtime: Runtime;
  readonly eventLog: EventLog;
  readonly queue: WorkerQueue;
  readonly states: RunStates;
  /** Submits child runs (`ctx.map`) back to the cluster. */
  readonly dispatch: Pick<RequestDispatch, 'childRunsFor'>;
  readonly logger: Logger;
  /** How often to look for work without being told (default 1 s). */
  readonly pollMs?: number;
  readonly webhookPolicy?: WebhookPolicy;
  /** What sees this worker's runs start, write their first event and end (its metrics). */
  readonly observer?: DispatchObserver;
}

interface Running {
  readonly run: RemoteRun;
  readonly control: RunControl;
}

/**
 * A worker: takes requests of its apps from the shared queue while its runtime has room,
 * runs them, and writes their events to the shared event log. Cancels reach it through
 * Redis; a request whose worker died is ended (or retried) by whichever process notices.
 *
 * @example
 * const worker = new RemoteWorker({ apps, runtime, eventLog, queue, states, dispatch, logger });
 * await worker.start();
 * await worker.close(30_000);
 */
export class RemoteWorker {
  private readonly apps: ReadonlyMap<string, App>;
  private readonly running = new Map<string, Running>();
  private readonly runningPerApp = new Map<string, number>();
  private readonly stops: (() => void)[] = [];
  private readonly runs = new Set<Promise<void>>();
  private readonly parts: RemoteRunParts;
  private poll: NodeJS.Timeout | undefined;
  private pumping = false;
  private pumpAgain = false;
  private closing = false;

  constructor(private readonly options: RemoteWorkerOptions) {
    this.apps = new Map(options.apps.map((app) => [app.id, app]));
    const { runtime, eventLog, states, dispatch, logger } = options;
    const webhookPolicy = options.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY;
    const observer = options.observer ?? NO_OBSERVER;
    const aftermath = new RequestAftermath({ eventLog, logger, observer, webhookPolicy });
    const findApp = (appId: string) => this.apps.get(appId);
    this.parts = { runtime, eventLog, states, dispatch, logger, aftermath, findApp, observer };
  }

  /** Runs of an app this worker holds now. */
  runningOf(appId: string): number {
    return this.runningPerApp.get(appId) ?? 0;
  }

  /**
   * Listens for cancels, lost runs and new work, starts the apps' setup, then takes work.
   * Lost runs are handled until the queue closes, after `close`.
   */
  async start(): Promise<void> {
    const { queue, states, runtime } = this.options;
    queue.onLost((entry, retrying) => this.lost(entry, retrying));
    this.stops.push(
      queue.onQueued(() => this.pump()),
      runtime.onCapacityChange?.(() => this.pump()) ?? (() => undefined),
      queue.onLockLost((requestId) => this.running.get(requestId)?.run.fence()),
      states.onCancel((requestId) => this.background(this.cancelHere(requestId))),
      states.onReconnect(() => {
        for (const requestId of this.running.keys()) this.background(this.cancelHere(requestId));
      }),
    );
    await runtime.start();
    this.poll = setInterval(() => this.pump(), this.options.pollMs ?? 1_000);
    this.poll.unref();
    this.pump();
  }

  /** Takes no more work; runs go on. */
  stopTaking(): void {
    this.closing = true;
    clearInterval(this.poll);
  }

  /**
   * Stops taking work, lets running runs finish for up to `deadlineMs`, then cancels the
   * rest and waits briefly for their terminal events. Closes the runtime, not the backends.
   */
  async close(deadlineMs: number): Promise<void> {
    this.stopTaking();
    await this.settled(deadlineMs);
    const reason = new SluiceError('cancelled', 'The worker is shutting down');
    for (const { control } of this.running.values()) control.abort(reason);
    await this.settled(CANCEL_SETTLE_MS);
    for (const stop of this.stops) stop();
    await this.options.runtime.close();
  }

  /**
   * Resolves once the webhooks this worker is still delivering have settled, or after the
   * shared settle time. Apart from {@link close}: delivery needs no Redis, so a shutdown
   * that cuts the Redis-bound steps short still lets them finish.
   */
  webhooksSettled(): Promise<void> {
    return this.parts.aftermath.webhooksSettled();
  }

  private hasRoom(app: App): boolean {
    const { runtime } = this.options;
    if (runtime.status(app.id).state !== 'ready') return false;
    return this.runningOf(app.id) < runtime.capacity(app.id);
  }

  private canStart(entry: QueueEntry): boolean {
    const app = this.apps.get(entry.appId);
    return (
      !this.closing && app !== undefined && app.endpoints.has(entry.endpoint) && this.hasRoom(app)
    );
  }

  /** Takes work until nothing eligible is left; one loop at a time. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.takeAll()
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'taking work failed'))
      .finally(() => {
        this.pumping = false;
        if (!this.pumpAgain) return;
        this.pumpAgain = false;
        this.pump();
      });
  }

  /**
   * Takes what it can from one look at the queue. Whatever is enqueued meanwhile announces
   * itself, and its announcement brings another pass (see {@link pump}).
   */
  private async takeAll(): Promise<void> {
    await this.tellDemand();
    // Walking the queue is not free: skip it when no app here has room.
    if (!this.hasRoomForAny()) return;
    const { queue } = this.options;
    for await (const entry of queue.takeEach((candidate) => this.canStart(candidate))) {
      this.begin(entry);
      if (!this.hasRoomForAny()) return;
    }
  }

  private hasRoomForAny(): boolean {
    return !this.closing && [...this.apps.values()].some((app) => this.hasRoom(app));
  }

  /**
   * Tells the runtime how many requests of each autoscaled app wait in the shared queue or
   * run here: its replicas start for them while the requests keep their places (and start
   * timeouts).
   */
  private async tellDemand(): Promise<void> {
    const { runtime, queue } = this.options;
    if (!runtime.demand || !queue.appStats || this.closing) return;
    for (const app of this.apps.values()) {
      if (runtime.status(app.id).scale === undefined) continue;
      const { depth } = await queue.appStats(app.id);
      runtime.demand(app.id, depth + this.runningOf(app.id));
    }
  }

  private begin(entry: QueueEntry): void {
    const app = this.apps.get(entry.appId)!;
    const control = new RunControl(entry.requestId);
    const run = new RemoteRun(this.parts, { entry, app, control });
    const running = { run, control };
    this.running.set(entry.requestId, running);
    this.runningPerApp.set(app.id, this.runningOf(app.id) + 1);
    // Two reactions held for as long as the run lasts, rather than a catch and two finallys.
    const after = () => this.after(entry, app, running);
    const execution = run.execute().then(after, (error: unknown) => {
      this.options.logger.error({ err: error }, 'run failed');
      return after();
    });
    this.runs.add(execution);
    const forget = () => void this.runs.delete(execution);
    void execution.then(forget, forget);
  }

  private async after(entry: QueueEntry, app: App, running: Running): Promise<void> {
    // The same request may be running here again (a retry this worker took): keep that one.
    if (this.running.get(entry.requestId) === running) this.running.delete(entry.requestId);
    this.runningPerApp.set(app.id, this.runningOf(app.id) - 1);
    const waiting = await this.options.queue.settle(entry.requestId).catch((error: unknown) => {
      this.options.logger.warn({ err: error, requestId: entry.requestId }, 'settle failed');
      return true; // look anyway
    });
    // With nothing waiting there is nothing to take, unless replicas scale with demand.
    if (waiting || (this.options.runtime.autoscaledApps?.length ?? 0) > 0) this.pump();
  }

  private async cancelHere(requestId: string): Promise<void> {
    const running = this.running.get(requestId);
    if (!running) return;
    const reason = await this.options.states.cancelOf(requestId);
    if (reason) running.control.abort(reason);
  }

  /** A request whose worker died, found by this process's stalled-job check. */
  private lost(entry: QueueEntry, retrying: boolean): void {
    const { requestId } = entry;
    this.options.logger.warn({ requestId, retrying }, 'a worker running this request was lost');
    if (retrying) return this.pump();
    this.background(endLost(this.parts, entry));
  }

  private background(work: Promise<unknown>): void {
    void work.catch((error: unknown) => this.options.logger.error({ err: error }, 'worker'));
  }

  private async settled(timeoutMs: number): Promise<void> {
    if (this.runs.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.runs), timeout]);
    clearTimeout(timer);
  }
}

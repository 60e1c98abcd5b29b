import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { DispatcherChildRuns, type ChildRunSources } from '../dispatch/child-runs.js';
import { NO_OBSERVER, type DispatchObserver } from '../dispatch/dispatch-observer.js';
import { endIfLive } from '../dispatch/end-request.js';
import { RequestAftermath } from '../dispatch/request-aftermath.js';
import type { RequestDispatch, RequestProgress } from '../dispatch/request-dispatch.js';
import type { RequestLifecycle } from '../dispatch/request-lifecycle.js';
import type { AppQueueStats, QueueEntry, RequestQueue } from '../dispatch/request-queue.js';
import {
  observed,
  type CancelAnswer,
  type DefaultLimits,
  type Submission,
  type Submitted,
} from '../dispatch/tracked-request.js';
import { TrackedRequests } from '../dispatch/tracked-requests.js';
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from '../dispatch/webhook-delivery.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import { SluiceError } from '../errors/sluice-error.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import type { AdmittedEnqueue } from '../redis/bull-admission.js';
import type { RedisEventLog } from '../redis/redis-event-log.js';
import type { Lane } from '../redis/bull-lane-name.js';
import { ClusterAttachments } from './cluster-attachments.js';
import { closingRefusal, overloaded } from '../dispatch/admission-refusals.js';
import { admissionBounds, queueEntryOf } from './remote-admission.js';
import { endLost, endRemotely, type EndingParts, type RemoteEnding } from './remote-endings.js';
import type { RunStates, StateChange } from './run-states.js';

/** The queue as a remote dispatcher uses it: the port, and an enqueue within limits. */
export type RemoteQueue = Pick<RequestQueue, 'remove' | 'position' | 'depth' | 'appStats'> & {
  /** Enqueues unless the endpoint is full over every gateway (`false`: nothing kept). */
  enqueueAdmitted(entry: QueueEntry, admission: AdmittedEnqueue): Promise<boolean>;
};

/** What a {@link RemoteDispatcher} needs. */
export interface RemoteDispatcherOptions {
  /** The shared log, which creates a request's log in the step that admits it. */
  readonly eventLog: EventLog & Pick<RedisEventLog, 'creationWrites'>;
  readonly queue: RemoteQueue;
  readonly states: RunStates;
  readonly logger: Logger;
  /** How long a run outlives its last client, on any gateway, before it is cancelled. */
  readonly cancelGraceMs: number;
  /** Finds an app by id, for child runs. */
  readonly findApp: (appId: string) => App | undefined;
  /** Runs of an app the cluster can hold at once, for child runs (default: unbounded). */
  readonly capacityOf?: (appId: string) => number;
  readonly defaultLimits?: DefaultLimits;
  readonly webhookPolicy?: WebhookPolicy;
  readonly observer?: DispatchObserver;
}

const ABANDONED = new SluiceError('cancelled', 'Every client of this request left');
const DEPTH_REFRESH_MS = 200;

/**
 * Request dispatch for Redis mode: requests go to the shared BullMQ queue, and workers
 * in other processes (`sluice worker`) take and run them. This gateway keeps only what it
 * may lose: start timers and client counts of the requests it submitted. State, position
 * and cancels live in Redis, so any gateway answers for any request.
 *
 * @example
 * const dispatch = new RemoteDispatcher({ eventLog, queue, states, logger, cancelGraceMs: 5_000, findApp });
 * const { record } = await dispatch.submit(submission);
 */
export class RemoteDispatcher implements RequestDispatch {
  private readonly submitted: TrackedRequests;
  private readonly attachments: ClusterAttachments;
  private readonly aftermath: RequestAftermath;
  private readonly observer: DispatchObserver;
  private readonly childRunSources: ChildRunSources;
  private readonly stops: (() => void)[];
  private readonly endings: EndingParts;
  private depth = 0;
  private depthTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private entering = 0;

  constructor(private readonly options: RemoteDispatcherOptions) {
    this.observer = options.observer ?? NO_OBSERVER;
    this.aftermath = new RequestAftermath({
      eventLog: options.eventLog,
      logger: options.logger,
      observer: this.observer,
      webhookPolicy: options.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY,
    });
    this.attachments = new ClusterAttachments({
      states: options.states,
      graceMs: options.cancelGraceMs,
      onAbandoned: (requestId) => this.background(this.cancel(requestId, ABANDONED)),
      onError: (error) => this.logError(error),
    });
    // Forgotten as they end: a request's timings are kept in Redis, for every gateway.
    this.submitted = new TrackedRequests({
      retentionMs: 0,
      onEnded: (requestId) => this.attachments.forget(requestId),
    });
    const { eventLog, states, logger, findApp } = options;
    this.endings = { eventLog, states, logger, findApp, aftermath: this.aftermath };
    this.childRunSources = {
      dispatcher: this,
      eventLog: options.eventLog,
      findApp: options.findApp,
      capacityOf: options.capacityOf ?? (() => Infinity),
    };
    this.stops = [
      states.onChange((change) => this.changed(change)),
      states.onReconnect(() => this.background(this.reconcile())),
    ];
  }

  get activeRuns(): number {
    return this.submitted.live;
  }

  get queueDepth(): number {
    return this.depth;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** How many requests of an app wait in the shared queue, over every gateway, and since when. */
  queueStats(appId: string): Promise<AppQueueStats | undefined> {
    return this.options.queue.appStats?.(appId) ?? Promise.resolve(undefined);
  }

  /** Requests accepted here whose enqueue has not completed: lost if the process left now. */
  get handingOver(): number {
    return this.entering;
  }

  async submit(submission: Submission): Promise<Submitted> {
    this.entering++;
    try {
      return await this.enter(submission);
    } finally {
      this.entering--;
    }
  }

  private async enter(submission: Submission): Promise<Submitted> {
    const lane = { appId: submission.app.id, endpoint: submission.endpoint.path };
    this.refuseWhileClosing(submission, lane);
    const record: RequestRecord = {
      requestId: submission.requestId ?? randomUUID(),
      ...lane,
      owner: submission.owner,
      createdAt: Date.now(),
    };
    const tracked = this.submitted.add(record, submission);
    try {
      await this.admitAndEnqueue(tracked);
    } catch (error) {
      this.submitted.drop(record.requestId);
      const { eventLog, logger } = this.options;
      const { requestId } = record;
      await endIfLive({
        eventLog,
        logger,
        requestId,
        error: toTerminalError(error),
        unexpected: false,
      });
      throw error;
    }
    tracked.forgetInput(); // the queue holds it now, for the worker that takes it
    tracked.armStartTimeout((error) => this.background(this.timeOut(tracked, error)));
    if (submission.cancelOnDisconnect) this.attachments.watch(record.requestId);
    this.refreshDepth();
    return { record };
  }

  progress(requestId: string): Promise<RequestProgress | undefined> {
    return this.options.states.progress(requestId);
  }

  position(requestId: string): Promise<number | undefined> {
    return this.options.queue.position(requestId);
  }

  nextChange(signal?: AbortSignal): Promise<void> {
    return this.submitted.nextChange(signal);
  }

  attach(requestId: string): () => void {
    return this.attachments.attach(requestId);
  }

  async cancel(
    requestId: string,
    reason = new SluiceError('cancelled', 'The request was cancelled'),
  ): Promise<CancelAnswer> {
    const lookup = await this.options.eventLog.lookup(requestId);
    if (lookup.state === 'unknown') return 'unknown';
    if (lookup.state !== 'live') return 'ended';
    if (await this.options.queue.remove(requestId)) {
      await this.endWaiting({ record: lookup.record, error: reason });
      return 'requested';
    }
    await this.options.states.requestCancel(requestId, reason);
    return 'requested';
  }

  /** Ends a request whose worker died, found by this process's stalled-job check. */
  endLost(entry: QueueEntry): Promise<void> {
    return endLost(this.endings, entry);
  }

  childRunsFor(parent: RequestRecord): DispatcherChildRuns {
    return new DispatcherChildRuns(this.childRunSources, parent);
  }

  /**
   * Refuses new requests, then waits up to `deadlineMs` for the requests this gateway
   * submitted to end. It cancels nothing and leaves queued requests in Redis: they belong
   * to the cluster, and their clients resume through another gateway.
   */
  async shutdown(deadlineMs: number): Promise<void> {
    this.closing = true;
    await this.submitted.whenIdle(deadlineMs);
    this.submitted.disarmAll();
    this.attachments.close();
    clearTimeout(this.depthTimer);
    for (const stop of this.stops) stop();
    await this.aftermath.webhooksSettled();
  }

  private refuseWhileClosing(submission: Submission, lane: Lane): void {
    const refusal = closingRefusal(this.closing, submission);
    if (!refusal) return;
    this.observer.refused({ ...lane, view: submission.view ?? 'sync' }, refusal.code);
    throw refusal;
  }

  /**
   * Reserves the request's place within its endpoint's limits, over every gateway, and
   * creates its log and state, in one Redis step; then queues it: a request refused with
   * 429 leaves nothing behind.
   */
  private async admitAndEnqueue(tracked: RequestLifecycle): Promise<void> {
    const { record, submission } = tracked;
    const { eventLog, states, defaultLimits, capacityOf = () => Infinity } = this.options;
    const bounds = admissionBounds({ submission, defaultLimits, capacityOf });
    const { cancelOnDisconnect, webhookUrl } = submission;
    const writes = [
      eventLog.creationWrites(record),
      states.creationWrites(record.requestId, { cancelOnDisconnect, webhookUrl }),
    ];
    if (await this.options.queue.enqueueAdmitted(queueEntryOf(tracked), { bounds, writes })) return;
    this.observer.refused(observed(tracked), 'overloaded');
    throw overloaded();
  }

  /** The start timeout passed while this gateway saw the request queued. */
  private async timeOut(tracked: RequestLifecycle, error: SluiceError): Promise<void> {
    if (!(await this.options.queue.remove(tracked.record.requestId))) return; // it started in time
    tracked.timeOut();
    await this.endWaiting({ record: tracked.record, error, startTimedOut: true });
  }

  /** Ends a request this process removed from the queue: it never started. */
  private async endWaiting(ending: Omit<RemoteEnding, 'tracked'>): Promise<void> {
    const { requestId } = ending.record;
    const tracked = this.submitted.get(requestId);
    if (tracked) this.submitted.end(tracked); // this ending, not the change it publishes, finishes it
    await endRemotely(this.endings, { ...ending, tracked });
  }

  private changed(change: StateChange): void {
    this.submitted.notify();
    this.refreshDepth();
    const tracked = this.submitted.get(change.requestId);
    if (!tracked) return;
    if (change.state === 'running' && tracked.start()) {
      const waited = ((tracked.startedAt ?? Date.now()) - tracked.record.createdAt) / 1000;
      this.observer.started(observed(tracked), waited);
    }
    if (change.state === 'ended') this.background(this.endedElsewhere(tracked, change.outcome));
  }

  /**
   * A request of this gateway that another process ended (which delivers the webhook):
   * its metrics and log line, by the outcome the change carried or else its terminal event.
   */
  private async endedElsewhere(tracked: RequestLifecycle, outcome?: string): Promise<void> {
    if (!this.submitted.end(tracked)) return;
    if (outcome !== undefined) return this.aftermath.recordOutcome(tracked, outcome);
    await this.aftermath.record(tracked, { webhookUrl: undefined });
  }

  /** After the subscriber was away: changes published meanwhile are read from the states. */
  private async reconcile(): Promise<void> {
    this.submitted.notify();
    for (const tracked of this.submitted.liveRequests()) {
      const progress = await this.options.states.progress(tracked.record.requestId);
      if (progress?.state === 'ended' || progress === undefined) await this.endedElsewhere(tracked);
    }
  }

  /** Refreshes the cached queue depth, at most every 200 ms. */
  private refreshDepth(): void {
    if (this.depthTimer) return;
    this.depthTimer = setTimeout(() => {
      this.depthTimer = undefined;
      void this.options.queue.depth().then(
        (depth) => (this.depth = depth),
        () => undefined,
      );
    }, DEPTH_REFRESH_MS);
    this.depthTimer.unref();
  }

  private background(work: Promise<unknown>): void {
    void work.catch((error: unknown) => this.logError(error));
  }

  private logError(error: unknown): void {
    this.options.logger.error({ err: error }, 'redis dispatch');
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { AttachmentTracker } from '../dispatch/attachment-tracker.js';
import { ChangeSignal } from '../dispatch/change-signal.js';
import { DispatcherChildRuns, type ChildRunSources } from '../dispatch/child-runs.js';
import { NO_OBSERVER, type DispatchObserver } from '../dispatch/dispatch-observer.js';
import { endIfLive } from '../dispatch/end-request.js';
import { RequestAftermath } from '../dispatch/request-aftermath.js';
import type { RequestDispatch, RequestProgress } from '../dispatch/request-dispatch.js';
import type { RequestQueue } from '../dispatch/request-queue.js';
import {
  observed,
  type CancelAnswer,
  type DefaultLimits,
  type Submission,
  type Submitted,
  type TrackedRequest,
} from '../dispatch/tracked-request.js';
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from '../dispatch/webhook-delivery.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import { SluiceError } from '../errors/sluice-error.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import type { Lane } from './bull-lane-name.js';
import { queueEntryOf, refusalOf } from './remote-admission.js';
import type { RunStates, StateChange } from './run-states.js';

/** The queue as a remote dispatcher uses it: the port, and the depth of one endpoint. */
export type RemoteQueue = Pick<RequestQueue, 'enqueue' | 'remove' | 'position' | 'depth'> & {
  /** Requests of one endpoint waiting to start, on every gateway. */
  laneDepth(lane: Lane): Promise<number>;
};

/** What a {@link RemoteDispatcher} needs. */
export interface RemoteDispatcherOptions {
  readonly eventLog: EventLog;
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
  private readonly submitted = new Map<string, TrackedRequest>();
  private readonly attachments: AttachmentTracker;
  private readonly changes = new ChangeSignal();
  private readonly aftermath: RequestAftermath;
  private readonly observer: DispatchObserver;
  private readonly childRunSources: ChildRunSources;
  private readonly stopListening: () => void;
  private depth = 0;
  private closing = false;

  constructor(private readonly options: RemoteDispatcherOptions) {
    this.observer = options.observer ?? NO_OBSERVER;
    this.aftermath = new RequestAftermath({
      eventLog: options.eventLog,
      logger: options.logger,
      observer: this.observer,
      webhookPolicy: options.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY,
    });
    this.attachments = new AttachmentTracker(options.cancelGraceMs, (requestId) => {
      void this.cancelIfAbandoned(requestId);
    });
    this.childRunSources = {
      dispatcher: this,
      eventLog: options.eventLog,
      findApp: options.findApp,
      capacityOf: options.capacityOf ?? (() => Infinity),
    };
    this.stopListening = options.states.onChange((change) => this.changed(change));
  }

  get activeRuns(): number {
    return this.submitted.size;
  }

  get queueDepth(): number {
    return this.depth;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  async submit(submission: Submission): Promise<Submitted> {
    const lane = { appId: submission.app.id, endpoint: submission.endpoint.path };
    await this.admit(submission, lane);
    const record: RequestRecord = {
      requestId: randomUUID(),
      ...lane,
      owner: submission.owner,
      createdAt: Date.now(),
    };
    const tracked: TrackedRequest = { record, submission, state: 'queued' };
    this.submitted.set(record.requestId, tracked);
    try {
      await this.options.eventLog.create(record);
      await this.options.states.create(record.requestId);
      await this.options.queue.enqueue(queueEntryOf(tracked));
    } catch (error) {
      this.submitted.delete(record.requestId);
      await this.end(record.requestId, toTerminalError(error));
      throw error;
    }
    this.armStartTimeout(tracked);
    if (submission.cancelOnDisconnect) this.attachments.watch(record.requestId);
    const queuePosition = (await this.options.queue.position(record.requestId)) ?? 0;
    this.refreshDepth();
    return { record, queuePosition };
  }

  progress(requestId: string): Promise<RequestProgress | undefined> {
    return this.options.states.progress(requestId);
  }

  position(requestId: string): Promise<number | undefined> {
    return this.options.queue.position(requestId);
  }

  nextChange(signal?: AbortSignal): Promise<void> {
    return this.changes.next(signal);
  }

  attach(requestId: string): () => void {
    const detachHere = this.attachments.attach(requestId);
    const count = (delta: number) =>
      void this.options.states.attached(requestId, delta).catch(() => undefined);
    count(1);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      count(-1);
      detachHere();
    };
  }

  async cancel(
    requestId: string,
    reason = new SluiceError('cancelled', 'The request was cancelled'),
  ): Promise<CancelAnswer> {
    const lookup = await this.options.eventLog.lookup(requestId);
    if (lookup.state === 'unknown') return 'unknown';
    if (lookup.state !== 'live') return 'ended';
    if (await this.options.queue.remove(requestId)) {
      await this.endWaiting(requestId, reason);
      return 'requested';
    }
    await this.options.states.requestCancel(requestId, reason);
    return 'requested';
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
    const deadline = AbortSignal.timeout(deadlineMs);
    while (this.submitted.size > 0 && !deadline.aborted) await this.changes.next(deadline);
    for (const tracked of this.submitted.values()) clearTimeout(tracked.startTimer);
    this.stopListening();
    await this.aftermath.webhooksSettled(5_000);
  }

  private async admit(submission: Submission, lane: Lane): Promise<void> {
    const view = { ...lane, view: submission.view ?? 'sync' };
    const refusal = await refusalOf({
      closing: this.closing,
      submission,
      queue: this.options.queue,
      defaultLimits: this.options.defaultLimits,
    });
    if (!refusal) return;
    this.observer.refused(view, refusal.code);
    throw refusal;
  }

  private armStartTimeout(tracked: TrackedRequest): void {
    const seconds = tracked.submission.startTimeoutSeconds;
    if (seconds === undefined) return;
    const { requestId } = tracked.record;
    tracked.startTimer = setTimeout(() => {
      void this.timeOut(requestId, seconds);
    }, seconds * 1000);
    tracked.startTimer.unref();
  }

  private async timeOut(requestId: string, seconds: number): Promise<void> {
    if (!(await this.options.queue.remove(requestId))) return; // it started in time
    const error = new SluiceError('timeout', `The request did not start within ${seconds} s`);
    await this.endWaiting(requestId, error, true);
  }

  /** Ends a request this call removed from the queue: it never started. */
  private async endWaiting(requestId: string, error: SluiceError, startTimedOut = false) {
    await this.options.states.ended(requestId, startTimedOut);
    await this.end(requestId, error);
    const tracked = this.submitted.get(requestId);
    if (tracked) await this.forget(tracked, true);
  }

  private async cancelIfAbandoned(requestId: string): Promise<void> {
    const clients = await this.options.states.attached(requestId, 0);
    if (clients > 0) return; // attached through another gateway
    await this.cancel(requestId, new SluiceError('cancelled', 'Every client of this request left'));
  }

  private changed(change: StateChange): void {
    this.changes.notify();
    this.refreshDepth();
    const tracked = this.submitted.get(change.requestId);
    if (!tracked) return;
    if (change.state === 'running' && tracked.state === 'queued') {
      tracked.state = 'running';
      tracked.startedAt = Date.now();
      clearTimeout(tracked.startTimer);
      this.observer.started(
        observed(tracked),
        (tracked.startedAt - tracked.record.createdAt) / 1000,
      );
    }
    // The worker delivers the webhook of a run it ended.
    if (change.state === 'ended') void this.forget(tracked, false);
  }

  private async forget(tracked: TrackedRequest, withWebhook: boolean): Promise<void> {
    const { requestId } = tracked.record;
    if (!this.submitted.delete(requestId)) return;
    clearTimeout(tracked.startTimer);
    this.attachments.forget(requestId);
    tracked.state = 'ended';
    tracked.endedAt = Date.now();
    const webhookUrl = withWebhook ? tracked.submission.webhookUrl : undefined;
    tracked.submission = { ...tracked.submission, input: undefined, webhookUrl };
    this.changes.notify();
    await this.aftermath.record(tracked);
  }

  private refreshDepth(): void {
    void this.options.queue.depth().then(
      (depth) => (this.depth = depth),
      () => undefined,
    );
  }

  private end(requestId: string, error: SluiceError): Promise<void> {
    const { eventLog, logger } = this.options;
    return endIfLive({ eventLog, logger, requestId, error, unexpected: false });
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import type { QueueCaps } from '../runtime/event-writer.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import { isTerminal, type NewEvent } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/runtime.js';
import { RunControl } from '../runtime/run-control.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import { AttachmentTracker } from './attachment-tracker.js';
import { ChangeSignal } from './change-signal.js';
import { DispatcherChildRuns, type ChildRunSources } from './child-runs.js';
import { endIfLive } from './end-request.js';
import { NO_OBSERVER, type DispatchObserver } from './dispatch-observer.js';
import { LoadCounters, resolveLimits, type ResolvedLimits } from './load-counters.js';
import type { AdmissionGuard } from './memory-admission.js';
import type { RequestDispatch, RequestProgress } from './request-dispatch.js';
import type { RequestQueue } from './request-queue.js';
import { MemoryRequestQueue } from './memory-request-queue.js';
import { RequestAftermath } from './request-aftermath.js';
import {
  observed,
  type CancelAnswer,
  type DefaultLimits,
  type Submission,
  type Submitted,
  type TrackedRequest,
} from './tracked-request.js';
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from './webhook-delivery.js';

/** What the dispatcher needs. */
export interface DispatcherOptions {
  readonly eventLog: EventLog;
  readonly runtime: Runtime;
  /** How long a run outlives its last client before it is cancelled (default 5 s). */
  readonly cancelGraceMs: number;
  /** The event log's caps: a run may not queue more than its log may keep. */
  readonly caps: QueueCaps;
  readonly logger: Logger;
  /** Finds an app by id, for child runs (`ctx.map`). */
  readonly findApp?: (appId: string) => App | undefined;
  /** Where requests wait (default: in memory). */
  readonly queue?: RequestQueue;
  /** Gateway-wide limits of endpoints that declare none (default: unbounded). */
  readonly defaultLimits?: DefaultLimits;
  /** How long the dispatcher remembers an ended request (its timings): the log's retention. */
  readonly retentionMs?: number;
  readonly webhookPolicy?: WebhookPolicy;
  readonly observer?: DispatchObserver;
  /** Checked first on every submission: refuses it with its error (the memory budget's). */
  readonly admissionGuard?: AdmissionGuard;
}

const RETRY_AFTER_SECONDS = 1;
const DEFAULT_RETENTION_MS = 10 * 60 * 1000;
/** How long shutdown waits for cancelled runs to write their terminal events. */
const CANCEL_SETTLE_MS = 5_000;
/** How long shutdown waits for webhooks still being delivered. */
const WEBHOOK_SETTLE_MS = 5_000;
const SHUTTING_DOWN = 'The server is shutting down';

/**
 * Takes requests from every view (sync, stream, queue, child runs), queues them by
 * priority, starts them as the runtime's capacity and the endpoints' limits allow, and
 * keeps each one's lifecycle: its control (abort signal and scope), its attached clients
 * and the grace timer that cancels a run whose clients all left, its start timeout, its
 * webhook. A request never stays live once its run is over, whatever happened to the run.
 *
 * @example
 * const { record } = await dispatcher.submit({ app, endpoint, input, owner, cancelOnDisconnect: true });
 * const detach = dispatcher.attach(record.requestId);
 */
export class Dispatcher implements RequestDispatch {
  private readonly requests = new Map<string, TrackedRequest>();
  private readonly attachments: AttachmentTracker;
  private readonly queue: RequestQueue;
  private readonly load: LoadCounters;
  private readonly changes = new ChangeSignal();
  private readonly observer: DispatchObserver;
  private readonly aftermath: RequestAftermath;
  private readonly childRunSources: ChildRunSources;
  private pumping: Promise<void> = Promise.resolve();
  private live = 0;
  private closing = false;

  constructor(private readonly options: DispatcherOptions) {
    this.queue = options.queue ?? new MemoryRequestQueue();
    this.observer = options.observer ?? NO_OBSERVER;
    this.aftermath = new RequestAftermath({
      eventLog: options.eventLog,
      logger: options.logger,
      observer: this.observer,
      webhookPolicy: options.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY,
    });
    this.attachments = new AttachmentTracker(options.cancelGraceMs, (requestId) => {
      void this.cancel(
        requestId,
        new SluiceError('cancelled', 'Every client of this request left'),
      );
    });
    const capacityOf = (appId: string) => options.runtime.capacity(appId);
    this.load = new LoadCounters({
      capacityOf,
      limitsOf: (appId, endpoint) => this.limitsOf(appId, endpoint),
    });
    this.childRunSources = {
      dispatcher: this,
      eventLog: options.eventLog,
      findApp: options.findApp ?? (() => undefined),
      capacityOf,
    };
  }

  /** Requests not yet ended: queued or running. */
  get activeRuns(): number {
    return this.live;
  }

  /** Requests waiting to start. */
  get queueDepth(): number {
    return this.load.waiting;
  }

  /** Whether the dispatcher has stopped taking requests. */
  get isClosing(): boolean {
    return this.closing;
  }

  /** Queues a request (or starts it at once when there is room); 429 `overloaded` past the queue limit. */
  async submit(submission: Submission): Promise<Submitted> {
    const key = { appId: submission.app.id, endpoint: submission.endpoint.path };
    this.admit(submission, key);
    this.load.wait(key);
    this.live++;
    const record: RequestRecord = {
      requestId: randomUUID(),
      ...key,
      owner: submission.owner,
      createdAt: Date.now(),
    };
    const tracked: TrackedRequest = { record, submission, state: 'queued' };
    try {
      await this.options.eventLog.create(record);
      this.requests.set(record.requestId, tracked);
      const priority = submission.priority ?? 0;
      await this.queue.enqueue({
        requestId: record.requestId,
        ...key,
        priority,
        enqueuedAt: record.createdAt,
      });
    } catch (error) {
      this.load.wait(key, -1);
      this.live--;
      this.requests.delete(record.requestId);
      await this.endIfLive(record.requestId, toTerminalError(error));
      throw error;
    }
    this.armStartTimeout(tracked);
    if (submission.cancelOnDisconnect) this.attachments.watch(record.requestId);
    const queuePosition = (await this.queue.position(record.requestId)) ?? 0;
    this.schedulePump();
    return { record, queuePosition };
  }

  /** What the dispatcher knows of a request; `undefined` once forgotten or never seen here. */
  tracked(requestId: string): Readonly<TrackedRequest> | undefined {
    return this.requests.get(requestId);
  }

  /** Where a request stands; `undefined` once forgotten or never seen here. */
  progress(requestId: string): Promise<RequestProgress | undefined> {
    const tracked = this.requests.get(requestId);
    if (!tracked) return Promise.resolve(undefined);
    const { state, startedAt, endedAt, startTimedOut } = tracked;
    return Promise.resolve({ state, startedAt, endedAt, startTimedOut });
  }

  /** Requests of the same app ahead of a queued one; `undefined` when it is not waiting. */
  position(requestId: string): Promise<number | undefined> {
    return this.queue.position(requestId);
  }

  /** Resolves at the next change of any request's state or position, or when `signal` aborts. */
  nextChange(signal?: AbortSignal): Promise<void> {
    return this.changes.next(signal);
  }

  /** Marks a client as attached to a request; call the returned function when it leaves. */
  attach(requestId: string): () => void {
    return this.attachments.attach(requestId);
  }

  /**
   * Cancels a request: a queued one ends at once with `reason`, a running one has its
   * signal aborted. `ended` when it has already ended, `unknown` when it is not here.
   */
  async cancel(
    requestId: string,
    reason = new SluiceError('cancelled', 'The request was cancelled'),
  ): Promise<CancelAnswer> {
    const tracked = this.requests.get(requestId);
    if (!tracked) return 'unknown';
    if (tracked.state === 'queued' && (await this.endQueued(tracked, reason))) return 'requested';
    if (tracked.state === 'queued') {
      tracked.pendingCancel = reason; // taken from the queue, about to start
      return 'requested';
    }
    if (tracked.state === 'running') {
      tracked.control?.abort(reason);
      return 'requested';
    }
    return 'ended';
  }

  /** Cancels every request and waits for none: the terminal events follow at once. */
  cancelAll(reason: SluiceError): void {
    for (const requestId of this.requests.keys()) void this.cancel(requestId, reason);
  }

  /**
   * Graceful shutdown: refuses new requests (503 `app_unavailable`), ends the queued ones
   * with `cancelled`, lets running runs finish for up to `deadlineMs`, then cancels the
   * rest and waits (briefly) for their terminal events and for webhooks still in delivery.
   */
  async shutdown(deadlineMs: number): Promise<void> {
    this.closing = true;
    const reason = new SluiceError('cancelled', SHUTTING_DOWN);
    for (const entry of await this.queue.drain()) {
      const tracked = this.requests.get(entry.requestId);
      if (tracked) await this.endWaiting(tracked, reason);
    }
    await this.whenIdle(deadlineMs);
    this.cancelAll(reason);
    await this.whenIdle(CANCEL_SETTLE_MS);
    await this.aftermath.webhooksSettled(WEBHOOK_SETTLE_MS);
  }

  /** A {@link ChildRuns} for a parent run: children join the same queue and limits. */
  childRunsFor(parent: RequestRecord): DispatcherChildRuns {
    return new DispatcherChildRuns(this.childRunSources, parent);
  }

  private admit(submission: Submission, key: { appId: string; endpoint: string }): void {
    const observed = { ...key, view: submission.view ?? 'sync' };
    const refusal = this.options.admissionGuard?.(submission);
    if (refusal) {
      this.observer.refused(observed, refusal.code);
      throw refusal;
    }
    // A draining server still lets running parents start their children: they may finish.
    if (this.closing && submission.view !== 'child') {
      this.observer.refused(observed, 'app_unavailable');
      throw new SluiceError('app_unavailable', SHUTTING_DOWN, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    if (!this.load.canAdmit(key)) {
      this.observer.refused(observed, 'overloaded');
      throw new SluiceError('overloaded', 'Too many requests are waiting for this endpoint', {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
  }

  private limitsOf(appId: string, endpoint: string): ResolvedLimits {
    const declared = this.options.findApp?.(appId)?.endpoints.get(endpoint)?.limits;
    return resolveLimits(declared, this.options.defaultLimits);
  }

  private armStartTimeout(tracked: TrackedRequest): void {
    const seconds = tracked.submission.startTimeoutSeconds;
    if (seconds === undefined || tracked.state !== 'queued') return;
    tracked.startTimer = setTimeout(() => {
      tracked.startTimedOut = true;
      const error = new SluiceError('timeout', `The request did not start within ${seconds} s`);
      void this.endQueued(tracked, error).then((ended) => {
        if (!ended) tracked.startTimedOut = false;
      });
    }, seconds * 1000);
    tracked.startTimer.unref();
  }

  private schedulePump(): void {
    this.pumping = this.pumping
      .then(() => this.pump())
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'queue failed'));
  }

  private async pump(): Promise<void> {
    for (;;) {
      const entry = await this.queue.take((candidate) => this.load.canStart(candidate));
      if (!entry) return;
      const tracked = this.requests.get(entry.requestId);
      if (tracked?.state === 'queued') this.start(tracked);
    }
  }

  private start(tracked: TrackedRequest): void {
    const { record, submission } = tracked;
    this.load.start(record);
    clearTimeout(tracked.startTimer);
    tracked.state = 'running';
    tracked.startedAt = Date.now();
    tracked.control = new RunControl(record.requestId);
    if (tracked.pendingCancel) tracked.control.abort(tracked.pendingCancel);
    this.observer.started(observed(tracked), (tracked.startedAt - record.createdAt) / 1000);
    this.options.logger.debug(
      { requestId: record.requestId, app: record.appId, view: submission.view },
      'run started',
    );
    this.changes.notify();
    // Start on the next turn, so the caller writes its response head before any of the
    // run's synchronous work: a stream's `: open` goes out at once, however the app begins.
    const control = tracked.control;
    setImmediate(() => void this.execute(tracked, control));
  }

  private async execute(tracked: TrackedRequest, control: RunControl): Promise<void> {
    const { eventLog, runtime, caps } = this.options;
    const { record, submission } = tracked;
    const { requestId } = record;
    let first = true;
    const sink = (events: readonly NewEvent[]) => {
      if (first) {
        first = false;
        this.observer.firstEvent(observed(tracked), (Date.now() - record.createdAt) / 1000);
      }
      // The run ends when its terminal event is written, before this dispatcher hears of it.
      if (events.some((event) => isTerminal(event.type))) tracked.endedAt ??= Date.now();
      return eventLog.append(requestId, events);
    };
    try {
      const childRuns = this.childRunsFor(record);
      await runtime.execute({ ...submission, requestId, control, sink, caps, childRuns });
    } catch (thrown) {
      this.options.logger.error({ requestId, err: thrown }, 'run could not execute');
      tracked.endedAt ??= Date.now();
      await this.endIfLive(requestId, toTerminalError(thrown));
    }
    await this.endIfLive(requestId, new SluiceError('internal', 'The run ended without a result'));
    this.load.run(record, -1);
    await this.finish(tracked);
    this.schedulePump();
  }

  /** Ends a queued request with an error, if it is still waiting; false when it is not. */
  private async endQueued(tracked: TrackedRequest, error: SluiceError): Promise<boolean> {
    if (!(await this.queue.remove(tracked.record.requestId))) return false;
    await this.endWaiting(tracked, error);
    return true;
  }

  /** Ends a request already out of the queue that never started. */
  private async endWaiting(tracked: TrackedRequest, error: SluiceError): Promise<void> {
    if (tracked.state !== 'queued') return;
    this.load.wait(tracked.record, -1);
    clearTimeout(tracked.startTimer);
    await this.endIfLive(tracked.record.requestId, error, false);
    await this.finish(tracked);
    this.schedulePump();
  }

  /** After the terminal event: metrics, webhook, and forgetting the request after retention. */
  private async finish(tracked: TrackedRequest): Promise<void> {
    const { requestId } = tracked.record;
    tracked.state = 'ended';
    tracked.endedAt ??= Date.now();
    tracked.submission = { ...tracked.submission, input: undefined, sentInput: undefined };
    this.live--;
    this.attachments.forget(requestId);
    this.changes.notify();
    const forget = setTimeout(
      () => this.requests.delete(requestId),
      this.options.retentionMs ?? DEFAULT_RETENTION_MS,
    );
    forget.unref();
    await this.aftermath.record(tracked);
  }

  /** Resolves once no request is live, or after `timeoutMs`. */
  private async whenIdle(timeoutMs: number): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.live > 0 && !deadline.aborted) await this.changes.next(deadline);
  }

  private async endIfLive(requestId: string, error: SluiceError, unexpected = true): Promise<void> {
    const { eventLog, logger } = this.options;
    await endIfLive({ eventLog, logger, requestId, error, unexpected });
  }
}

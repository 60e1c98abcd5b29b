import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import type { EventSink, QueueCaps } from '../runtime/event-writer.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import { isTerminal } from '../events/event-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Runtime } from '../runtime/runtime.js';
import { RunControl } from '../runtime/run-control.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import { closingRefusal, overloaded } from './admission-refusals.js';
import { AttachmentTracker } from './attachment-tracker.js';
import { DispatcherChildRuns, type ChildRunSources } from './child-runs.js';
import { CANCEL_SETTLE_MS, DEFAULT_RETENTION_MS, SHUTTING_DOWN } from './dispatch-defaults.js';
import { endIfLive } from './end-request.js';
import { NO_OBSERVER, type DispatchObserver } from './dispatch-observer.js';
import { LoadCounters, resolveLimits, type LoadKey, type ResolvedLimits } from './load-counters.js';
import type { MemoryBudget } from '../events/memory-budget.js';
import type { AdmissionGuard } from './memory-admission.js';
import type { RequestDispatch, RequestProgress } from './request-dispatch.js';
import { newRequestId } from './request-id.js';
import type { AppQueueStats, QueueEntry, RequestQueue } from './request-queue.js';
import { MemoryRequestQueue } from './memory-request-queue.js';
import { RequestAftermath } from './request-aftermath.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import { runToEnd } from './run-to-end.js';
import { runtimeJob } from './runtime-job.js';
import {
  observed,
  type CancelAnswer,
  type DefaultLimits,
  type Submission,
  type Submitted,
  type TrackedRequest,
} from './tracked-request.js';
import { TrackedRequests } from './tracked-requests.js';
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
  /**
   * The process's memory budget: the ended requests remembered for their timings take no
   * more than a tenth of it (the oldest are forgotten early). Default: no bound.
   */
  readonly memoryBudget?: MemoryBudget;
}

/**
 * What one ended request the dispatcher remembers is counted at: measured about 880 bytes
 * of heap (`node --expose-gc`, 50,000 of them): its lifecycle, its submission without the
 * input, its record (which the event log shares while it keeps the log), map and queue slots.
 */
const ENDED_REQUEST_BYTES = 1024;
/** Share of the memory budget that remembered ended requests may take. */
const ENDED_REQUESTS_BUDGET_SHARE = 0.1;

/** How many ended requests fit their share of `budget`, at its limit now. */
function endedRequestsWithin(budget: MemoryBudget): number {
  return Math.floor((budget.limitBytes * ENDED_REQUESTS_BUDGET_SHARE) / ENDED_REQUEST_BYTES);
}

/** A request's place in the queue. */
function queueEntryOf(record: RequestRecord, submission: Submission): QueueEntry {
  const { requestId, appId, endpoint, createdAt } = record;
  return { requestId, appId, endpoint, priority: submission.priority ?? 0, enqueuedAt: createdAt };
}

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
  private readonly requests: TrackedRequests;
  private readonly attachments: AttachmentTracker;
  private readonly queue: RequestQueue;
  /** The queue is this process's own (the default), not one shared with other gateways. */
  private readonly ownsQueue: boolean;
  private readonly load: LoadCounters;
  private readonly observer: DispatchObserver;
  private readonly aftermath: RequestAftermath;
  private readonly childRunSources: ChildRunSources;
  private pumping: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly options: DispatcherOptions) {
    this.queue = options.queue ?? new MemoryRequestQueue();
    this.ownsQueue = options.queue === undefined;
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
    const budget = options.memoryBudget;
    this.requests = new TrackedRequests({
      retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
      maxEnded: budget && (() => endedRequestsWithin(budget)),
      onEnded: (requestId) => this.attachments.forget(requestId),
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
    // An autoscaled replica came up (or went): the queue may start more, or fewer.
    options.runtime.onCapacityChange?.(() => this.schedulePump());
  }

  /** Requests not yet ended: queued or running. */
  get activeRuns(): number {
    return this.requests.live;
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
    const record: RequestRecord = {
      requestId: submission.requestId ?? newRequestId(),
      ...key,
      owner: submission.owner,
      createdAt: Date.now(),
    };
    const request = this.requests.add(record, submission);
    let startsNow = false;
    try {
      await this.options.eventLog.create(record);
      // Decided after the last await, so that nothing can take the room in between.
      startsNow = this.canStartNow(key);
      if (!startsNow) await this.queue.enqueue(queueEntryOf(record, submission));
    } catch (error) {
      this.load.wait(key, -1);
      this.requests.drop(record.requestId);
      await this.endIfLive(record.requestId, toTerminalError(error));
      throw error;
    }
    if (submission.cancelOnDisconnect) this.attachments.watch(record.requestId);
    if (startsNow) {
      this.start(request);
      this.tellDemand();
    } else {
      request.armStartTimeout((error) => void this.timeOut(request, error));
      this.schedulePump();
    }
    return { record };
  }

  /** What the dispatcher knows of a request; `undefined` once forgotten or never seen here. */
  tracked(requestId: string): TrackedRequest | undefined {
    return this.requests.get(requestId);
  }

  /** Where a request stands; `undefined` once forgotten or never seen here. */
  progress(requestId: string): Promise<RequestProgress | undefined> {
    const request = this.requests.get(requestId);
    if (!request) return Promise.resolve(undefined);
    const { state, startedAt, endedAt, startTimedOut } = request;
    return Promise.resolve({ state, startedAt, endedAt, startTimedOut });
  }

  /** Requests of the same app ahead of a queued one; `undefined` when it is not waiting. */
  position(requestId: string): Promise<number | undefined> {
    return this.queue.position(requestId);
  }

  /** How many requests of an app wait, and since when the oldest. */
  queueStats(appId: string): Promise<AppQueueStats | undefined> {
    return this.queue.appStats?.(appId) ?? Promise.resolve(undefined);
  }

  /** Resolves at the next change of any request's state or position, or when `signal` aborts. */
  nextChange(signal?: AbortSignal): Promise<void> {
    return this.requests.nextChange(signal);
  }

  /** Marks a client as attached to a request; call the returned function when it leaves. */
  attach(requestId: string): () => void {
    return this.attachments.attach(requestId);
  }

  /**
   * Cancels a request: a queued one ends at once with `reason`, a running one has its
   * signal aborted (one taken from the queue, about to start, at its start). `ended` when
   * it has already ended, `unknown` when it is not here.
   */
  async cancel(
    requestId: string,
    reason = new SluiceError('cancelled', 'The request was cancelled'),
  ): Promise<CancelAnswer> {
    const request = this.requests.get(requestId);
    if (!request) return 'unknown';
    if (request.state === 'queued' && (await this.endQueued(request, reason))) return 'requested';
    return request.cancel(reason) ? 'requested' : 'ended';
  }

  /** Cancels every request and waits for none: the terminal events follow at once. */
  cancelAll(reason: SluiceError): void {
    for (const request of this.requests.liveRequests())
      void this.cancel(request.record.requestId, reason);
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
      const request = this.requests.get(entry.requestId);
      if (request) await this.endWaiting(request, reason);
    }
    await this.requests.whenIdle(deadlineMs);
    this.cancelAll(reason);
    await this.requests.whenIdle(CANCEL_SETTLE_MS);
    await this.aftermath.webhooksSettled();
  }

  /** A {@link ChildRuns} for a parent run: children join the same queue and limits. */
  childRunsFor(parent: RequestRecord): DispatcherChildRuns {
    return new DispatcherChildRuns(this.childRunSources, parent);
  }

  private admit(submission: Submission, key: { appId: string; endpoint: string }): void {
    const observed = { appId: key.appId, endpoint: key.endpoint, view: submission.view ?? 'sync' };
    const refusal = this.options.admissionGuard?.(submission);
    if (refusal) {
      this.observer.refused(observed, refusal.code);
      throw refusal;
    }
    const closed = closingRefusal(this.closing, submission);
    if (closed) {
      this.observer.refused(observed, closed.code);
      throw closed;
    }
    if (!this.load.canAdmit(key)) {
      this.observer.refused(observed, 'overloaded');
      throw overloaded();
    }
  }

  /**
   * Whether a request just admitted may skip the queue: nobody else waits, there is room for
   * it, and the queue is this process's own (a shared queue's order is other gateways' too).
   * What the queue would do anyway, without its round trip through `enqueue`, `take` and a pump.
   */
  private canStartNow(key: LoadKey): boolean {
    return this.ownsQueue && !this.closing && this.load.waiting === 1 && this.load.canStart(key);
  }

  private limitsOf(appId: string, endpoint: string): ResolvedLimits {
    const declared = this.options.findApp?.(appId)?.endpoints.get(endpoint)?.limits;
    return resolveLimits(declared, this.options.defaultLimits);
  }

  /** The start timeout passed: the request ends with `timeout`, unless it was taken to start. */
  private async timeOut(request: RequestLifecycle, error: SluiceError): Promise<void> {
    if (!(await this.queue.remove(request.record.requestId))) return;
    request.timeOut();
    await this.endWaiting(request, error);
  }

  private schedulePump(): void {
    this.pumping = this.pumping
      .then(() => this.pump())
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'queue failed'));
  }

  private async pump(): Promise<void> {
    for (;;) {
      const entry = await this.queue.take((candidate) => this.load.canStart(candidate));
      if (!entry) return this.tellDemand();
      const request = this.requests.get(entry.requestId);
      if (request?.state === 'queued') this.start(request);
    }
  }

  /** Tells the runtime how many requests of each app run or wait (autoscaled apps scale to them). */
  private tellDemand(): void {
    const { runtime } = this.options;
    for (const appId of runtime.autoscaledApps ?? [])
      runtime.demand?.(appId, this.load.demandOf(appId));
  }

  private start(request: RequestLifecycle): void {
    const { record, submission } = request;
    const control = new RunControl(record.requestId);
    this.load.start(record);
    request.start({ control });
    const waited = ((request.startedAt ?? record.createdAt) - record.createdAt) / 1000;
    this.observer.started(observed(request), waited);
    this.options.logger.debug(
      { requestId: record.requestId, app: record.appId, view: submission.view },
      'run started',
    );
    this.requests.notify();
    // Start on the next turn, so the caller writes its response head before any of the
    // run's synchronous work: a stream's `: open` goes out at once, however the app begins.
    // A caller with nothing to write first saves that turn.
    if (submission.startInThisTurn) void this.execute(request, control);
    else setImmediate(() => void this.execute(request, control));
  }

  /** Runs a started request through to its end (a chain, not an async frame held per run). */
  private execute(request: RequestLifecycle, control: RunControl): Promise<void> {
    const { runtime, caps, logger } = this.options;
    const { record, submission } = request;
    const { requestId } = record;
    const sink = this.sinkOf(request);
    const childRuns = this.childRunsFor(record);
    const ran = runToEnd({
      requestId,
      logger,
      app: record.appId,
      endpoint: record.endpoint,
      execute: () => {
        const traceparent = this.observer.runTraceparent?.(requestId);
        const parts = { requestId, control, sink, caps, childRuns, traceparent };
        return runtime.execute(runtimeJob(submission, parts)).then((outcome) => {
          if (outcome.facts) this.observer.measured?.(observed(request), outcome.facts);
          return outcome;
        });
      },
      end: (error, unexpected) => {
        request.markEnding();
        // Its own terminal event ended the request: there is nothing to look up.
        if (request.terminalWritten) return Promise.resolve();
        return this.endIfLive(requestId, error, unexpected);
      },
    });
    return ran.then(() => {
      this.load.run(record, -1);
      return this.finish(request).then(() => this.schedulePump());
    });
  }

  /** Where a run writes: the log, timing its first event and its end. */
  private sinkOf(request: RequestLifecycle): EventSink {
    const { record } = request;
    let first = true;
    return (events) => {
      if (first) {
        first = false;
        this.observer.firstEvent(observed(request), (Date.now() - record.createdAt) / 1000);
      }
      const appended = this.options.eventLog.append(record.requestId, events);
      const last = events.at(-1); // a terminal event is its batch's last
      if (!last || !isTerminal(last.type)) return appended;
      // The run ends when its terminal event is written, before this dispatcher hears of it.
      request.markEnding();
      return appended.then((result) => {
        if (result.accepted) request.noteTerminal(last);
        return result;
      });
    };
  }

  /** Ends a queued request with an error, if it is still waiting; false when it is not. */
  private async endQueued(request: RequestLifecycle, error: SluiceError): Promise<boolean> {
    if (!(await this.queue.remove(request.record.requestId))) return false;
    await this.endWaiting(request, error);
    return true;
  }

  /** Ends a request already out of the queue that never started. */
  private async endWaiting(request: RequestLifecycle, error: SluiceError): Promise<void> {
    if (request.state !== 'queued') return;
    this.load.wait(request.record, -1);
    request.disarm();
    await this.endIfLive(request.record.requestId, error);
    await this.finish(request);
    this.schedulePump();
  }

  /**
   * After the terminal event: metrics and webhook; the request is forgotten after retention.
   * The terminal event is read back from the log unless its run wrote it through this process.
   */
  private async finish(request: RequestLifecycle): Promise<void> {
    if (!this.requests.end(request)) return;
    const terminal = request.takeTerminal();
    if (terminal) this.aftermath.recordEnded(request, terminal);
    else await this.aftermath.record(request);
  }

  /** Ends a request outside its run (or after it): only `unexpected` endings are logged as faults. */
  private async endIfLive(
    requestId: string,
    error: SluiceError,
    unexpected = false,
  ): Promise<void> {
    const { eventLog, logger } = this.options;
    await endIfLive({ eventLog, logger, requestId, error, unexpected });
  }
}

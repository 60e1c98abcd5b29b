import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import type { LoggedEvent, NewEvent } from '../events/event-types.js';
import { readTerminal } from '../events/read-terminal.js';
import { SluiceError } from '../errors/sluice-error.js';
import { terminalErrorEvent } from '../runtime/terminal-error.js';
import type { ChildRuns } from '../runtime/child-runs.js';
import { canonicalHash } from './canonical-hash.js';
import { CachedRequests } from './cached-requests.js';
import type { RequestAftermath } from './request-aftermath.js';
import type { AppQueueStats } from './request-queue.js';
import { RequestLifecycle } from './request-lifecycle.js';
import type { RequestDispatch, RequestProgress } from './request-dispatch.js';
import { newRequestId } from './request-id.js';
import type { CacheSlot, ResponseCache } from './response-cache.js';
import type { CancelAnswer, Submission, Submitted } from './tracked-request.js';

/** What a {@link CachingDispatch} wraps and keeps. */
export interface CachingDispatchOptions {
  readonly inner: RequestDispatch;
  readonly eventLog: EventLog;
  readonly cache: ResponseCache;
  /**
   * Records each hit and follower as it ends, like any finished request: its outcome in the
   * metrics and the logs, and its webhook.
   */
  readonly aftermath: RequestAftermath;
  /** How long a flight may lead before others stop waiting for it (default: the log's retention). */
  readonly flightTtlMs?: number;
}

/** How often a request waiting for its leader's log to appear looks again. */
const LEADER_POLL_MS = 10;
/** How long a leader may go without a log before a waiting request takes its flight over. */
const LEADER_START_GRACE_MS = 5_000;

/** The views whose answers the cache serves: never the stream. */
const CACHED_VIEWS: ReadonlySet<string> = new Set(['sync', 'queue']);

function slotOf(submission: Submission): (CacheSlot & { ttlMs: number }) | undefined {
  const { cache } = submission.endpoint;
  if (!cache || !CACHED_VIEWS.has(submission.view ?? 'sync')) return undefined;
  const scope = `${submission.app.id}${submission.endpoint.path}`;
  const key = cache.key ? String(cache.key(submission.input)) : canonicalHash(submission.input);
  return { scope, key, ttlMs: cache.ttlMs };
}

/** A leader's terminal event as its follower's own: the error's request id is the follower's. */
function followerTerminal(terminal: LoggedEvent, requestId: string): NewEvent {
  if (terminal.type !== 'error') return { type: terminal.type, json: terminal.json };
  const payload = JSON.parse(terminal.json) as Record<string, unknown>;
  return { type: 'error', json: JSON.stringify({ ...payload, request_id: requestId }) };
}

/**
 * The response cache and single flight, around any request dispatch (memory or Redis):
 * for an endpoint that declares `cache`, a JSON or queue request whose result is cached
 * ends at once with it (`hit`); one identical to a request still running shares that run
 * (`coalesced`), with a request id, log and status of its own; any other runs, and its
 * result is stored (`miss`, or `bypass` for `cache-control: no-cache`, which neither reads
 * the cache nor joins a flight). The stream view passes straight through. A failed run is
 * never stored; its followers end with its error. A hit or follower ends through the
 * aftermath, as any request does: counted, logged, and its webhook sent.
 *
 * @example
 * const dispatch = new CachingDispatch({ inner: dispatcher, eventLog, cache: new MemoryResponseCache(), aftermath });
 */
export class CachingDispatch implements RequestDispatch {
  private readonly requests: CachedRequests;
  private readonly stopped = new AbortController();

  constructor(private readonly options: CachingDispatchOptions) {
    this.requests = new CachedRequests(options.eventLog.limits.retentionMs);
  }

  get activeRuns(): number {
    return this.options.inner.activeRuns;
  }

  get queueDepth(): number {
    return this.options.inner.queueDepth;
  }

  queueStats(appId: string): Promise<AppQueueStats | undefined> {
    return this.options.inner.queueStats?.(appId) ?? Promise.resolve(undefined);
  }

  get isClosing(): boolean {
    return this.options.inner.isClosing;
  }

  async submit(submission: Submission): Promise<Submitted> {
    const slot = slotOf(submission);
    if (!slot || this.isClosing) return this.options.inner.submit(submission);
    const { cache } = this.options;
    if (submission.bypassCache) return this.lead(submission, slot, 'bypass');
    const requestId = newRequestId();
    const flightTtlMs = this.options.flightTtlMs ?? this.options.eventLog.limits.retentionMs;
    let waited: { leader: string; since: number } | undefined;
    let replacing: string | undefined;
    for (;;) {
      const json = await cache.get(slot);
      if (json !== undefined) return this.hit(submission, requestId, json);
      const claim = await cache.claim({ ...slot, requestId, flightTtlMs, replacing });
      if (claim.leader || this.isClosing) break;
      const leader = claim.leaderRequestId;
      if (await this.hasLog(leader)) return this.follow(submission, requestId, leader);
      if (waited?.leader !== leader) waited = { leader, since: Date.now() };
      else if (Date.now() - waited.since >= LEADER_START_GRACE_MS) replacing = leader;
      await sleep(LEADER_POLL_MS);
    }
    return this.lead({ ...submission, requestId }, slot, 'miss');
  }

  progress(requestId: string): Promise<RequestProgress | undefined> {
    const cached = this.requests.get(requestId);
    if (cached) return Promise.resolve(cached.progress);
    return this.options.inner.progress(requestId);
  }

  position(requestId: string): Promise<number | undefined> {
    const leader = this.requests.get(requestId)?.leaderRequestId;
    return this.options.inner.position(leader ?? requestId);
  }

  nextChange(signal?: AbortSignal): Promise<void> {
    const both = new AbortController();
    const stop = () => both.abort();
    signal?.addEventListener('abort', stop, { once: true });
    const changed = Promise.race([
      this.options.inner.nextChange(both.signal),
      this.requests.changes.next(both.signal),
    ]);
    return changed.finally(() => {
      stop();
      signal?.removeEventListener('abort', stop);
    });
  }

  /** A follower's client also keeps the run it shares alive. */
  attach(requestId: string): () => void {
    const leader = this.requests.get(requestId)?.leaderRequestId;
    return this.options.inner.attach(leader ?? requestId);
  }

  async cancel(requestId: string, reason?: SluiceError): Promise<CancelAnswer> {
    const cached = this.requests.get(requestId);
    if (!cached) return this.options.inner.cancel(requestId, reason);
    if (cached.progress.state === 'ended') return 'ended';
    cached.stop.abort();
    const error = reason ?? new SluiceError('cancelled', 'The request was cancelled');
    await this.endFollower(cached.lifecycle, terminalErrorEvent(error, requestId));
    return 'requested';
  }

  childRunsFor(parent: RequestRecord): ChildRuns {
    return this.options.inner.childRunsFor(parent);
  }

  async shutdown(deadlineMs: number): Promise<void> {
    this.stopped.abort();
    this.requests.stopAll();
    await this.options.inner.shutdown(deadlineMs);
    await this.options.aftermath.webhooksSettled();
  }

  /** Runs the request, and stores its result once it succeeds. */
  private async lead(
    submission: Submission,
    slot: CacheSlot & { ttlMs: number },
    answer: 'miss' | 'bypass',
  ): Promise<Submitted> {
    const { cache } = this.options;
    const release = (requestId: string) => cache.release({ ...slot, requestId });
    let submitted: Submitted;
    try {
      submitted = await this.options.inner.submit(submission);
    } catch (error) {
      if (submission.requestId) await release(submission.requestId);
      throw error;
    }
    const { requestId } = submitted.record;
    const policy = { ...submission.endpoint.cache, ttlMs: slot.ttlMs };
    void readTerminal(this.options.eventLog, requestId, this.stopped.signal)
      .then(async (terminal) => {
        if (terminal?.type === 'result') await cache.set({ ...slot, json: terminal.json, policy });
      })
      .finally(() => (answer === 'miss' ? release(requestId) : undefined))
      .catch(() => undefined);
    return { ...submitted, cache: answer };
  }

  /**
   * Ends a hit as it is submitted. Its log tells its status and result, so nothing else
   * keeps it: a busy cache holds no bookkeeping for each of its hits.
   */
  private async hit(submission: Submission, requestId: string, json: string): Promise<Submitted> {
    const record = await this.createRecord(submission, requestId);
    const lifecycle = new RequestLifecycle(record, submission);
    const terminal = await this.endCached(lifecycle, { type: 'result', json });
    return { record, cache: 'hit', terminal };
  }

  private async follow(
    submission: Submission,
    requestId: string,
    leaderRequestId: string,
  ): Promise<Submitted> {
    const record = await this.createRecord(submission, requestId);
    const lifecycle = new RequestLifecycle(record, submission);
    const follower = this.requests.follow(lifecycle, leaderRequestId);
    void readTerminal(this.options.eventLog, leaderRequestId, follower.stop.signal).then(
      (terminal) => {
        if (follower.stop.signal.aborted) return;
        const lost = new SluiceError('worker_lost', 'The run this request shared was lost');
        const event = terminal
          ? followerTerminal(terminal, requestId)
          : terminalErrorEvent(lost, requestId);
        return this.endFollower(lifecycle, event);
      },
    );
    return { record, cache: 'coalesced' };
  }

  /**
   * Whether a flight's leader has a log to follow. A leader claims its key before it is
   * admitted, so on another gateway its log may not exist yet. If it never comes to be, the
   * leader was refused (its flight is released, and a waiting request claims it) or its
   * gateway died (past the grace, a waiting request takes the flight over, and the others
   * follow that one).
   */
  private async hasLog(requestId: string): Promise<boolean> {
    return (await this.options.eventLog.lookup(requestId)).state !== 'unknown';
  }

  private async createRecord(submission: Submission, requestId: string): Promise<RequestRecord> {
    const record: RequestRecord = {
      requestId,
      appId: submission.app.id,
      endpoint: submission.endpoint.path,
      owner: submission.owner,
      createdAt: Date.now(),
    };
    await this.options.eventLog.create(record);
    return record;
  }

  private async endFollower(lifecycle: RequestLifecycle, terminal: NewEvent): Promise<void> {
    await this.endCached(lifecycle, terminal);
    this.requests.end(lifecycle.record.requestId);
  }

  /**
   * Writes a hit's or follower's terminal event. The one call whose event the log took ends
   * the request and records it, and answers the event as logged.
   */
  private async endCached(
    lifecycle: RequestLifecycle,
    terminal: NewEvent,
  ): Promise<LoggedEvent | undefined> {
    const appended = await this.options.eventLog
      .append(lifecycle.record.requestId, [terminal])
      .catch(() => undefined);
    if (!appended?.accepted || !lifecycle.end()) return undefined;
    const logged = { seq: appended.lastSeq, type: terminal.type, json: terminal.json };
    this.options.aftermath.recordEnded(lifecycle, logged);
    return logged;
  }
}

import type { RequestRecord } from '../events/event-log.js';
import { ChangeSignal } from './change-signal.js';
import { ExpiryTimer } from './expiry-timer.js';
import { RequestLifecycle } from './request-lifecycle.js';
import type { Submission } from './tracked-request.js';

/** How a {@link TrackedRequests} keeps its requests. */
export interface TrackedRequestsOptions {
  /** How long an ended request stays findable, for its timings; `0` forgets it at once. */
  readonly retentionMs: number;
  /**
   * How many ended requests may wait out their retention (asked at each end, so that it can
   * follow a memory budget that changes): past it, the oldest are forgotten early. Default:
   * no bound.
   */
  readonly maxEnded?: () => number;
  /** Called once for each request as it ends (its clients need no longer be counted). */
  readonly onEnded?: (requestId: string) => void;
}

/**
 * The requests a dispatcher took, each a {@link RequestLifecycle}: how many are live
 * (queued or running), a signal at every change, the wait for none to be live, and the
 * forgetting of ended requests after the retention window (by one timer for them all, since
 * a busy gateway keeps hundreds of thousands), or sooner, oldest first, past `maxEnded`.
 *
 * @example
 * const requests = new TrackedRequests({ retentionMs: 600_000 });
 * const request = requests.add(record, submission);
 * requests.end(request);
 * await requests.whenIdle(5_000);
 */
export class TrackedRequests {
  private readonly requests = new Map<string, RequestLifecycle>();
  private readonly changes = new ChangeSignal();
  private liveCount = 0;
  /** Ended requests in order of forgetting: retention is one constant. */
  private readonly endedOrder = new ExpiryTimer<RequestLifecycle>((request) =>
    this.forget(request),
  );

  constructor(private readonly options: TrackedRequestsOptions) {}

  /** Requests not yet ended: queued or running. */
  get live(): number {
    return this.liveCount;
  }

  /** Takes a request, queued. */
  add(record: RequestRecord, submission: Submission): RequestLifecycle {
    const request = new RequestLifecycle(record, submission);
    this.requests.set(record.requestId, request);
    this.liveCount++;
    return request;
  }

  /** A request, live or ended within the retention window. */
  get(requestId: string): RequestLifecycle | undefined {
    return this.requests.get(requestId);
  }

  /** Every request not yet ended. */
  liveRequests(): RequestLifecycle[] {
    return [...this.requests.values()].filter((request) => request.state !== 'ended');
  }

  /** Gives up a request that was never queued (its submission failed): no ending, no retention. */
  drop(requestId: string): void {
    const request = this.requests.get(requestId);
    if (!request) return;
    this.requests.delete(requestId);
    if (request.state !== 'ended') this.liveCount--;
  }

  /** Ends a request (see {@link RequestLifecycle.end}); `false` when it had already ended. */
  end(request: RequestLifecycle): boolean {
    if (!request.end()) return false;
    this.liveCount--;
    this.options.onEnded?.(request.record.requestId);
    this.changes.notify();
    this.forgetLater(request);
    return true;
  }

  /** Wakes whoever waits for a change (a start, a move up the queue). */
  notify(): void {
    this.changes.notify();
  }

  /** Resolves at the next change, or when `signal` aborts. */
  nextChange(signal?: AbortSignal): Promise<void> {
    return this.changes.next(signal);
  }

  /** Resolves once no request is live, or after `timeoutMs`. */
  async whenIdle(timeoutMs: number): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.liveCount > 0 && !deadline.aborted) await this.changes.next(deadline);
  }

  /** Stops every start timer: the requests left are someone else's now. */
  disarmAll(): void {
    for (const request of this.requests.values()) request.disarm();
  }

  private forgetLater(request: RequestLifecycle): void {
    const { retentionMs, maxEnded } = this.options;
    if (retentionMs <= 0) return this.forget(request);
    this.endedOrder.add(request, retentionMs);
    if (!maxEnded) return;
    const most = maxEnded();
    while (this.endedOrder.size > most) this.endedOrder.expireOldest();
  }

  private forget(request: RequestLifecycle): void {
    const { requestId } = request.record;
    if (this.requests.get(requestId) === request) this.requests.delete(requestId);
  }
}

import type { RequestProgress } from './request-dispatch.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import { ChangeSignal } from './change-signal.js';
import { SluiceError } from '../errors/sluice-error.js';

/** Why waits end at shutdown: one reason for all, not an exception built per request. */
const STOPPED = new SluiceError('cancelled', 'The gateway is shutting down');

/** A request that shares another's run: no run of its own. */
interface CachedRequest {
  progress: RequestProgress;
  /** The request as the aftermath sees it when it ends (metrics, log, webhook). */
  readonly lifecycle: RequestLifecycle;
  /** Ends its wait for the run it shares (a cancel). */
  readonly stop: AbortController;
  /** The request whose run it shares. */
  readonly leaderRequestId: string;
}

/**
 * The requests a gateway attached to an identical request's run: where each stands, for
 * status routes, until its retention ends. (A cache hit needs no entry: it ends as it is
 * submitted, and its log tells the rest.)
 *
 * @example
 * requests.follow(new RequestLifecycle(record, submission), leaderRequestId);
 * requests.end(record.requestId);
 */
export class CachedRequests {
  private readonly requests = new Map<string, CachedRequest>();
  readonly changes = new ChangeSignal();

  constructor(private readonly retentionMs: number) {}

  get(requestId: string): CachedRequest | undefined {
    return this.requests.get(requestId);
  }

  /** A follower: running (it shares a run) until `end`. */
  follow(lifecycle: RequestLifecycle, leaderRequestId: string): CachedRequest {
    const request: CachedRequest = {
      progress: { state: 'running', startedAt: Date.now() },
      lifecycle,
      stop: new AbortController(),
      leaderRequestId,
    };
    this.requests.set(lifecycle.record.requestId, request);
    return request;
  }

  end(requestId: string): void {
    const request = this.requests.get(requestId);
    if (!request || request.progress.state === 'ended') return;
    // Not `{ ...progress, state }`: such a literal gets a hidden class of its own in this V8,
    // held for as long as the ended request is remembered.
    request.progress = Object.assign({}, request.progress, { state: 'ended', endedAt: Date.now() });
    this.changes.notify();
    setTimeout(() => this.requests.delete(requestId), this.retentionMs).unref();
  }

  /** Stops every wait (shutdown); requests that have ended wait for nothing. */
  stopAll(): void {
    for (const request of this.requests.values()) {
      if (request.progress.state !== 'ended') request.stop.abort(STOPPED);
    }
  }
}

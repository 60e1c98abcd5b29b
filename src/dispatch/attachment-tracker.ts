import { ExpiryTimer } from './expiry-timer.js';

interface Attachment {
  clients: number;
  /** The grace it is in, while it has no client. */
  grace: Grace | undefined;
}

/** One grace period begun: it abandons its request only if it is still the request's grace. */
interface Grace {
  readonly requestId: string;
  readonly attachment: Attachment;
}

/**
 * Counts the clients attached to each watched request, and calls `onAbandoned` once a
 * request has had no client for the whole grace period. A client that comes back in time
 * (a reconnect) ends the grace. Every grace waits on one timer for them all: a request that
 * starts and ends with its client attached, as most do, costs no timer.
 *
 * @example
 * const tracker = new AttachmentTracker(5_000, (requestId) => cancel(requestId));
 * tracker.watch(requestId);
 * const detach = tracker.attach(requestId);
 */
export class AttachmentTracker {
  private readonly watched = new Map<string, Attachment>();
  private readonly graces = new ExpiryTimer<Grace>((grace) => this.graceOver(grace));

  constructor(
    private readonly graceMs: number,
    private readonly onAbandoned: (requestId: string) => void,
  ) {}

  /** Starts watching a request; it counts as abandoned until its first client attaches. */
  watch(requestId: string): void {
    const attachment: Attachment = { clients: 0, grace: undefined };
    this.watched.set(requestId, attachment);
    this.startGrace(requestId, attachment);
  }

  attach(requestId: string): () => void {
    const attachment = this.watched.get(requestId);
    if (!attachment) return () => undefined;
    attachment.clients++;
    attachment.grace = undefined;
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      attachment.clients--;
      if (attachment.clients === 0 && this.watched.get(requestId) === attachment) {
        this.startGrace(requestId, attachment);
      }
    };
  }

  /** Stops watching (the run has finished). */
  forget(requestId: string): void {
    this.watched.delete(requestId);
  }

  private startGrace(requestId: string, attachment: Attachment): void {
    const grace: Grace = { requestId, attachment };
    attachment.grace = grace;
    this.graces.add(grace, this.graceMs);
  }

  /** A grace has passed: its request is abandoned if it is still watched, alone since then. */
  private graceOver(grace: Grace): void {
    const { requestId, attachment } = grace;
    if (attachment.grace !== grace || this.watched.get(requestId) !== attachment) return;
    attachment.grace = undefined;
    this.onAbandoned(requestId);
  }
}

import { ExpiryTimer } from './expiry-timer.js';

interface Attachment {
  clients: number;
  /** When its grace ends, while it has no client (milliseconds since the epoch). */
  graceEndsAt: number | undefined;
}

/** One grace period begun: it abandons its request only if nothing changed since. */
interface Grace {
  readonly requestId: string;
  readonly attachment: Attachment;
  readonly endsAt: number;
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
    const attachment: Attachment = { clients: 0, graceEndsAt: undefined };
    this.watched.set(requestId, attachment);
    this.startGrace(requestId, attachment);
  }

  attach(requestId: string): () => void {
    const attachment = this.watched.get(requestId);
    if (!attachment) return () => undefined;
    attachment.clients++;
    attachment.graceEndsAt = undefined;
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
    const endsAt = Date.now() + this.graceMs;
    attachment.graceEndsAt = endsAt;
    this.graces.add({ requestId, attachment, endsAt }, this.graceMs);
  }

  /** A grace has passed: its request is abandoned if it is still watched, alone since then. */
  private graceOver({ requestId, attachment, endsAt }: Grace): void {
    if (attachment.graceEndsAt !== endsAt || this.watched.get(requestId) !== attachment) return;
    attachment.graceEndsAt = undefined;
    this.onAbandoned(requestId);
  }
}

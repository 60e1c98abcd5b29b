interface Attachment {
  clients: number;
  graceTimer: NodeJS.Timeout | undefined;
}

/**
 * Counts the clients attached to each watched request, and calls `onAbandoned` once a
 * request has had no client for the whole grace period. A client that comes back in time
 * (a reconnect) stops the timer.
 *
 * @example
 * const tracker = new AttachmentTracker(5_000, (requestId) => cancel(requestId));
 * tracker.watch(requestId);
 * const detach = tracker.attach(requestId);
 */
export class AttachmentTracker {
  private readonly watched = new Map<string, Attachment>();

  constructor(
    private readonly graceMs: number,
    private readonly onAbandoned: (requestId: string) => void,
  ) {}

  /** Starts watching a request; it counts as abandoned until its first client attaches. */
  watch(requestId: string): void {
    const attachment: Attachment = { clients: 0, graceTimer: undefined };
    this.watched.set(requestId, attachment);
    this.startGrace(requestId, attachment);
  }

  attach(requestId: string): () => void {
    const attachment = this.watched.get(requestId);
    if (!attachment) return () => undefined;
    attachment.clients++;
    clearTimeout(attachment.graceTimer);
    attachment.graceTimer = undefined;
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
    const attachment = this.watched.get(requestId);
    if (attachment) clearTimeout(attachment.graceTimer);
    this.watched.delete(requestId);
  }

  private startGrace(requestId: string, attachment: Attachment): void {
    attachment.graceTimer = setTimeout(() => {
      attachment.graceTimer = undefined;
      if (attachment.clients === 0) this.onAbandoned(requestId);
    }, this.graceMs);
    attachment.graceTimer.unref();
  }
}

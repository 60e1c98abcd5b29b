import type { RunStates } from './run-states.js';

/** What {@link ClusterAttachments} needs. */
export interface ClusterAttachmentOptions {
  readonly states: RunStates;
  /** How long a request may have no client, on any gateway, before it is abandoned. */
  readonly graceMs: number;
  readonly onAbandoned: (requestId: string) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * Cancels runs whose clients all left, counting clients on every gateway: the count lives
 * in Redis, and the gateway whose client leaves last starts the grace timer, whichever
 * gateway accepted the request. A client that comes back through any gateway in time
 * keeps the run.
 *
 * @example
 * const attachments = new ClusterAttachments({ states, graceMs: 5_000, onAbandoned: cancel, onError });
 * attachments.watch(requestId); // it has no client yet
 * const detach = attachments.attach(requestId);
 */
export class ClusterAttachments {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: ClusterAttachmentOptions) {}

  /** A request whose clients' leaving cancels it: it counts as abandoned until one attaches. */
  watch(requestId: string): void {
    this.arm(requestId);
  }

  /** Counts a client in; call the returned function when it leaves. */
  attach(requestId: string): () => void {
    const { states, onError } = this.options;
    this.disarm(requestId);
    void states.attached(requestId, 1).catch(onError);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      // A client leaves a stream that ended once it has read the end: nothing to cancel.
      void states
        .detached(requestId)
        .then(({ abandonable }) => (abandonable ? this.arm(requestId) : undefined))
        .catch(onError);
    };
  }

  /** Stops timing a request (it ended). */
  forget(requestId: string): void {
    this.disarm(requestId);
  }

  /** Stops every timer. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(requestId: string): void {
    this.disarm(requestId);
    const timer = setTimeout(() => {
      this.timers.delete(requestId);
      void this.checkAbandoned(requestId).catch(this.options.onError);
    }, this.options.graceMs);
    timer.unref();
    this.timers.set(requestId, timer);
  }

  private disarm(requestId: string): void {
    clearTimeout(this.timers.get(requestId));
    this.timers.delete(requestId);
  }

  private async checkAbandoned(requestId: string): Promise<void> {
    const clients = await this.options.states.attached(requestId, 0);
    if (clients <= 0) this.options.onAbandoned(requestId);
  }
}

import type { AppQueueStats, QueueEntry, RequestQueue } from './request-queue.js';

/**
 * The in-process {@link RequestQueue}: one array kept in start order. Enqueue and take
 * scan it, which is cheap at the depths the endpoint limits allow.
 *
 * @example
 * const queue = new MemoryRequestQueue();
 * await queue.enqueue({ requestId, appId, endpoint: '', priority: 0, enqueuedAt: Date.now() });
 */
export class MemoryRequestQueue implements RequestQueue {
  private readonly entries: QueueEntry[] = [];
  private readonly ids = new Set<string>();

  readonly enqueue = (entry: QueueEntry): Promise<void> => {
    if (this.ids.has(entry.requestId))
      return Promise.reject(new TypeError(`Request ${entry.requestId} is already queued`));
    const behind = this.entries.findIndex((queued) => queued.priority < entry.priority);
    this.entries.splice(behind === -1 ? this.entries.length : behind, 0, entry);
    this.ids.add(entry.requestId);
    return Promise.resolve();
  };

  readonly take = (eligible: (entry: QueueEntry) => boolean): Promise<QueueEntry | undefined> => {
    const index = this.entries.findIndex(eligible);
    if (index === -1) return Promise.resolve(undefined);
    const [entry] = this.entries.splice(index, 1);
    this.ids.delete(entry!.requestId);
    return Promise.resolve(entry);
  };

  readonly remove = (requestId: string): Promise<boolean> => {
    if (!this.ids.delete(requestId)) return Promise.resolve(false);
    this.entries.splice(
      this.entries.findIndex((entry) => entry.requestId === requestId),
      1,
    );
    return Promise.resolve(true);
  };

  readonly position = (requestId: string): Promise<number | undefined> => {
    const index = this.entries.findIndex((entry) => entry.requestId === requestId);
    if (index === -1) return Promise.resolve(undefined);
    const { appId } = this.entries[index]!;
    const ahead = this.entries.slice(0, index).filter((entry) => entry.appId === appId);
    return Promise.resolve(ahead.length);
  };

  readonly depth = (): Promise<number> => Promise.resolve(this.entries.length);

  readonly appStats = (appId: string): Promise<AppQueueStats> => {
    let depth = 0;
    let oldest: number | undefined;
    for (const entry of this.entries) {
      if (entry.appId !== appId) continue;
      depth++;
      if (oldest === undefined || entry.enqueuedAt < oldest) oldest = entry.enqueuedAt;
    }
    return Promise.resolve({ appId, depth, oldestEnqueuedAt: oldest });
  };

  readonly drain = (): Promise<QueueEntry[]> => {
    this.ids.clear();
    return Promise.resolve(this.entries.splice(0, this.entries.length));
  };
}

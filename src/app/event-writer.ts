import type { NewEvent } from '../events/event-types.js';
import type { AppendResult } from '../events/event-log.js';

/** Where a run's events go: the event log (inline), or a replica's IPC channel. */
export type EventSink = (events: readonly NewEvent[]) => Promise<AppendResult>;

type Pending = NewEvent | Promise<NewEvent | undefined>;

/**
 * Keeps a run's events in the order they were emitted and hands them to the sink in
 * batches: everything emitted in one tick goes out as one append. An event still being
 * prepared (a preview being encoded) holds back the ones after it, so order is kept.
 *
 * @example
 * const writer = new EventWriter(sink, (reason) => failRun(reason));
 * writer.push({ type: 'output', json: '"hi"' });
 * await writer.finish({ type: 'result', json: '{}' });
 */
export class EventWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private closed = false;
  private terminal: NewEvent | undefined;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly sink: EventSink,
    private readonly onRefused: (reason: unknown) => void,
  ) {}

  /** Queues an event; ignored once the run has finished. */
  push(event: Pending): void {
    if (this.closed) return;
    this.queue.push(event);
    this.scheduleFlush();
  }

  /** Queues the terminal event, stops taking events, and resolves once everything is sent. */
  finish(terminal: NewEvent): Promise<void> {
    if (!this.closed) {
      this.queue.push(terminal);
      this.terminal = terminal;
      this.closed = true;
      this.scheduleFlush();
    }
    return this.drained();
  }

  /** Drops what is queued but not yet sent: the run failed and its terminal event comes next. */
  discardQueued(): void {
    this.queue = this.queue.filter((item) => item === this.terminal);
  }

  drained(): Promise<void> {
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeReady();
      if (batch.length > 0) {
        await this.send(batch);
        continue;
      }
      const head = this.queue[0];
      const prepared = await head;
      if (this.queue[0] !== head) continue;
      if (prepared) this.queue[0] = prepared;
      else this.queue = this.queue.slice(1);
    }
    this.flushing = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private takeReady(): NewEvent[] {
    const end = this.queue.findIndex((item) => item instanceof Promise);
    const count = end === -1 ? this.queue.length : end;
    return this.queue.splice(0, count) as NewEvent[];
  }

  private async send(batch: NewEvent[]): Promise<void> {
    try {
      const result = await this.sink(batch);
      if (!result.accepted) this.refuse(result.reason);
    } catch (error) {
      this.refuse(error);
    }
  }

  private refuse(reason: unknown): void {
    this.discardQueued();
    this.onRefused(reason);
  }
}

import type { AppendResult } from '../../events/event-log.js';
import type { NewEvent } from '../../events/event-types.js';

/**
 * An in-memory event sink read as an async iterable: what a {@link DistributedRunner}'s
 * run appends, its caller reads, in order, as it arrives.
 *
 * @example
 * const channel = new EventChannel();
 * await channel.sink([{ type: 'output', json: '1' }]);
 * for await (const event of channel) {}
 */
export class EventChannel implements AsyncIterable<NewEvent> {
  private readonly events: NewEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  readonly sink = (events: readonly NewEvent[]): Promise<AppendResult> => {
    this.events.push(...events);
    this.wake?.();
    return Promise.resolve({ accepted: true, lastSeq: this.events.length });
  };

  /** No more events will come (the run is over). */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<NewEvent> {
    for (let next = 0; ;) {
      while (next < this.events.length) yield this.events[next++]!;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

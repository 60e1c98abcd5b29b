import type { AppendResult } from '../../events/event-log.js';
import type { NewEvent } from '../../events/event-types.js';

/** Events held for a slow reader before the run's appends wait for it. */
const HIGH_WATER = 256;

/**
 * An in-memory event sink read as an async iterable: what a {@link DistributedRunner}'s
 * run appends, its caller reads, in order, as it arrives. Read events are dropped, and an
 * append waits while the reader is `HIGH_WATER` events behind, so memory stays bounded
 * and a slow reader slows the run instead.
 *
 * @example
 * const channel = new EventChannel();
 * await channel.sink([{ type: 'output', json: '1' }]);
 * for await (const event of channel) {}
 */
export class EventChannel implements AsyncIterable<NewEvent> {
  private readonly pending: NewEvent[] = [];
  private appended = 0;
  private wakeReader: (() => void) | undefined;
  private readonly waitingWriters: (() => void)[] = [];
  private ended = false;

  readonly sink = async (events: readonly NewEvent[]): Promise<AppendResult> => {
    while (!this.ended && this.pending.length >= HIGH_WATER)
      await new Promise<void>((resolve) => this.waitingWriters.push(resolve));
    this.pending.push(...events);
    this.appended += events.length;
    this.wakeReader?.();
    return { accepted: true, lastSeq: this.appended };
  };

  /** No more events will come (the run is over); appends still waiting go through. */
  end(): void {
    this.ended = true;
    this.wakeReader?.();
    this.releaseWriters();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<NewEvent> {
    for (;;) {
      const event = this.pending.shift();
      if (event) {
        if (this.pending.length < HIGH_WATER) this.releaseWriters();
        yield event;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
      this.wakeReader = undefined;
    }
  }

  private releaseWriters(): void {
    for (const release of this.waitingWriters.splice(0)) release();
  }
}

/** Logs whose entry size is remembered; the oldest is forgotten past this. */
const CAPACITY = 10_000;

/**
 * The payload bytes per stream entry that the last read of each log saw, so that the next
 * read asks Redis for about as many entries as its byte cap has room for, not a fixed
 * count: a log of 100 KB events is read one entry at a time, a log of small ones sixteen
 * or more. Forgotten when the log ends, and oldest first past a fixed capacity.
 *
 * @example
 * const sizes = new EntrySizes();
 * sizes.remember('req-1', 102_400);
 * sizes.bytesPerEntry('req-1'); // 102400
 */
export class EntrySizes {
  private readonly sizes = new Map<string, number>();

  /** The bytes per entry last seen in the log, if a read saw any. */
  bytesPerEntry(requestId: string): number | undefined {
    return this.sizes.get(requestId);
  }

  /** What a read saw: bytes per entry, or `undefined` when it read no entries. */
  remember(requestId: string, bytesPerEntry: number | undefined): void {
    if (bytesPerEntry === undefined) return;
    this.sizes.delete(requestId);
    this.sizes.set(requestId, bytesPerEntry);
    if (this.sizes.size > CAPACITY) this.sizes.delete(this.sizes.keys().next().value!);
  }

  /** The log ended or is gone: no read will need its size again. */
  forget(requestId: string): void {
    this.sizes.delete(requestId);
  }
}

/**
 * The bytes read from a stream and not yet consumed, kept as the chunks they came in. A
 * read that lies within one chunk decodes from it in place; only one that spans chunks
 * copies its bytes together first. Reads past what is queued throw: callers check
 * {@link ChunkQueue.length} first.
 *
 * @example
 * const queue = new ChunkQueue();
 * queue.push(chunk);
 * if (queue.length >= 4) queue.readUInt32LE();
 */
export class ChunkQueue {
  private chunks: Buffer[] = [];
  /** Where the first chunk's unread bytes start. */
  private offset = 0;
  private queued = 0;

  /** Bytes queued and not yet read. */
  get length(): number {
    return this.queued;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.queued += chunk.length;
  }

  /** The four bytes `skip` bytes on as a little-endian u32, left unread (check `length` first). */
  peekUInt32LE(skip = 0): number {
    if (this.queued < skip + 4)
      throw new RangeError(`Peek of 4 bytes at ${skip} with ${this.queued} queued`);
    const first = this.chunks[0]!;
    let at = this.offset + skip;
    if (at + 4 <= first.length) return first.readUInt32LE(at);
    let value = 0;
    let chunkIndex = 0;
    for (let byte = 0; byte < 4; byte++) {
      while (at >= this.chunks[chunkIndex]!.length) {
        at -= this.chunks[chunkIndex]!.length;
        chunkIndex++;
      }
      value += this.chunks[chunkIndex]![at++]! * 2 ** (8 * byte);
    }
    return value;
  }

  readUInt32LE(): number {
    const first = this.chunks[0];
    if (first === undefined || this.offset + 4 > first.length)
      return this.copyOf(4).readUInt32LE(0);
    const value = first.readUInt32LE(this.offset);
    this.consume(4);
    return value;
  }

  readString(byteLength: number, encoding: 'latin1' | 'utf8'): string {
    if (byteLength === 0) return '';
    const first = this.chunks[0];
    const at = this.offset;
    if (first === undefined || at + byteLength > first.length)
      return this.copyOf(byteLength).toString(encoding);
    this.consume(byteLength);
    return first.toString(encoding, at, at + byteLength);
  }

  /** The next `byteLength` bytes: a view of a chunk when they lie within one, else a copy. */
  readBytes(byteLength: number): Buffer {
    const first = this.chunks[0];
    const at = this.offset;
    if (first === undefined || at + byteLength > first.length) return this.copyOf(byteLength);
    this.consume(byteLength);
    return first.subarray(at, at + byteLength);
  }

  /** Consumes `byteLength` bytes that span chunks (or are not all queued: it throws), copied together. */
  private copyOf(byteLength: number): Buffer {
    if (byteLength > this.queued)
      throw new RangeError(`Read of ${byteLength} bytes with ${this.queued} queued`);
    const copy = Buffer.allocUnsafe(byteLength);
    let copied = 0;
    while (copied < byteLength) {
      const chunk = this.chunks[0]!;
      const taken = Math.min(chunk.length - this.offset, byteLength - copied);
      chunk.copy(copy, copied, this.offset, this.offset + taken);
      copied += taken;
      this.consume(taken);
    }
    return copy;
  }

  /** Moves past `byteLength` bytes of the first chunk (at most all of it). */
  private consume(byteLength: number): void {
    this.offset += byteLength;
    this.queued -= byteLength;
    if (this.offset < this.chunks[0]!.length) return;
    this.chunks.shift();
    this.offset = 0;
  }
}

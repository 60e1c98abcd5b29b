import { randomUUID } from 'node:crypto';

/**
 * A new request id: a random UUID, as one flat string. Node builds `randomUUID()` by
 * joining its pieces, and V8 keeps the result as a tree of cons cells (about 490 bytes)
 * until something reads its characters. A gateway keeps each id for its request's
 * retention, in its maps and records, where the tree would be copied by the collections of
 * the young generation and then kept for minutes. Reading a character flattens it in place
 * (about 60 bytes), and the next collection lets the cells go.
 *
 * @example
 * const requestId = newRequestId(); // '9f1c04e2-…', flat
 */
export function newRequestId(): string {
  const id = randomUUID();
  // A UUID's last character is a hex digit, never NUL: the test only keeps the read (and
  // so the flattening) from being optimized away.
  return id.charCodeAt(35) === 0 ? randomUUID() : id;
}

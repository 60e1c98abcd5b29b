import type { RankTransport } from './collectives.js';

type Listener = (fromRank: number, message: unknown) => void;

/** Options of {@link createMemoryTransports}. */
export interface MemoryTransportOptions {
  /**
   * Sees every message before delivery and delivers it by calling `deliver` (now, later,
   * or never): the place for a test to delay, reorder or drop messages.
   */
  readonly route?: (route: {
    from: number;
    to: number;
    message: unknown;
    deliver: () => void;
  }) => void;
}

/**
 * The transports of a group of `worldSize` ranks living in one process. Each message is
 * structured-cloned, as it would be between processes, and delivered on a later turn of
 * the event loop, never inside `send`. A message sent to a rank with no listener yet waits
 * for its first listener.
 *
 * @example
 * const transports = createMemoryTransports(4);
 * const collectives = transports.map((transport) => createCollectives({ transport }));
 */
export function createMemoryTransports(
  worldSize: number,
  options: MemoryTransportOptions = {},
): RankTransport[] {
  const listeners = Array.from({ length: worldSize }, () => new Set<Listener>());
  const waiting = Array.from({ length: worldSize }, () => [] as [number, unknown][]);
  const arrive = (to: number, from: number, message: unknown) => {
    const targets = listeners[to];
    if (!targets || targets.size === 0) waiting[to]?.push([from, message]);
    else for (const listener of [...targets]) listener(from, message);
  };
  const send = (from: number, to: number, message: unknown) => {
    if (!Number.isInteger(to) || to < 0 || to >= worldSize) {
      throw new RangeError(`No rank ${to} in a group of ${worldSize}`);
    }
    const copy = structuredClone(message);
    const deliver = () => setImmediate(() => arrive(to, from, copy));
    if (options.route) options.route({ from, to, message: copy, deliver });
    else deliver();
  };
  return Array.from({ length: worldSize }, (_, rank) => ({
    rank,
    worldSize,
    send: (to: number, message: unknown) => send(rank, to, message),
    onMessage: (listener: Listener) => {
      listeners[rank]?.add(listener);
      const queued = waiting[rank]?.splice(0) ?? [];
      for (const [from, message] of queued) setImmediate(() => listener(from, message));
      return () => void listeners[rank]?.delete(listener);
    },
  }));
}

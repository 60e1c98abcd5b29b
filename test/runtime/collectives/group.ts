import {
  createCollectives,
  type GroupCollectives,
} from '../../../src/runtime/collectives/create-collectives.js';
import {
  createMemoryTransports,
  type MemoryTransportOptions,
} from '../../../src/runtime/collectives/memory-transports.js';

/** Options of {@link startGroup}. */
export interface GroupOptions extends MemoryTransportOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * The collectives of every rank of an in-memory group, closed when disposed.
 *
 * @example
 * using group = startGroup(4);
 * await Promise.all(group.ranks.map((ranks) => ranks.barrier()));
 */
export function startGroup(worldSize: number, options: GroupOptions = {}) {
  const transports = createMemoryTransports(worldSize, options);
  const { timeoutMs, signal } = options;
  const ranks: GroupCollectives[] = transports.map((transport) =>
    createCollectives({ transport, timeoutMs, signal }),
  );
  return {
    ranks,
    /** One rank's collectives. */
    rank: (rank: number): GroupCollectives => {
      const collectives = ranks[rank];
      if (!collectives) throw new RangeError(`No rank ${rank}`);
      return collectives;
    },
    /** Runs `call` on every rank at once and returns each rank's result, in rank order. */
    all: <Result>(call: (collectives: GroupCollectives) => Promise<Result>) =>
      Promise.all(ranks.map(call)),
    [Symbol.dispose]: () => ranks.forEach((collectives) => collectives.close()),
  };
}

/** Resolves after `turns` turns of the event loop (messages travel one turn each). */
export async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** Watches a promise: `settled` turns true once it resolves or rejects. */
export function watch(promise: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  const settle = () => {
    state.settled = true;
  };
  promise.then(settle, settle);
  return state;
}

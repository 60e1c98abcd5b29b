import type { RunContext } from '../../app/app-types.js';

/** The collective operations a run's context exposes, with its rank and group size. */
export type Collectives = Pick<
  RunContext,
  'rank' | 'worldSize' | 'barrier' | 'broadcast' | 'gather' | 'allGather' | 'allReduce'
>;

/**
 * How one rank's collectives reach the other ranks of its group. Messages are
 * structured-clone values: typed arrays cross as they are, without JSON.
 */
export interface RankTransport {
  readonly rank: number;
  readonly worldSize: number;
  send(toRank: number, message: unknown): void;
  /** Calls `listener` for every message sent to this rank; returns the unsubscribe. */
  onMessage(listener: (fromRank: number, message: unknown) => void): () => void;
}

/**
 * The collectives of a run that is alone in its group: every operation completes at once
 * with this rank's own value.
 *
 * @example
 * const collectives = soloCollectives();
 * await collectives.allReduce(3, 'sum'); // 3
 */
export function soloCollectives(): Collectives {
  return {
    rank: 0,
    worldSize: 1,
    barrier: () => Promise.resolve(),
    broadcast: (value) => Promise.resolve(value),
    gather: (value) => Promise.resolve([value]),
    allGather: (value) => Promise.resolve([value]),
    allReduce: (value) => Promise.resolve(value),
  };
}

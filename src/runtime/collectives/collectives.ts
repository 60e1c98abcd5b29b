import type { RunContext } from '../../app/app-types.js';
import { createCollectives } from './create-collectives.js';

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
 * with this rank's own value, after the same checks a group makes.
 *
 * @example
 * const collectives = soloCollectives();
 * await collectives.allReduce(3, 'sum'); // 3
 */
export function soloCollectives(): Collectives {
  return createCollectives({ transport: SOLO_TRANSPORT });
}

const SOLO_TRANSPORT: RankTransport = {
  rank: 0,
  worldSize: 1,
  send: (toRank) => {
    throw new RangeError(`No rank ${toRank} in a group of 1`);
  },
  onMessage: () => () => undefined,
};

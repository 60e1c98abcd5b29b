import type { RankTransport } from '../collectives/collectives.js';
import type { ReplicaChannel } from './replica-channel.js';

type RankListener = (fromRank: number, message: unknown) => void;

/**
 * One run's {@link RankTransport} in a rank process: messages go to the parent, which
 * forwards them to the rank they are for. Structured clone (`serialization: 'advanced'`)
 * carries typed arrays as they are. Messages that arrive before anyone listens are kept.
 *
 * @example
 * const transport = new IpcRankTransport({ channel, runId: 7, rank: 1, worldSize: 2 });
 */
export class IpcRankTransport implements RankTransport {
  readonly rank: number;
  readonly worldSize: number;
  private readonly listeners = new Set<RankListener>();
  private early: Array<[number, unknown]> = [];

  constructor(
    private readonly options: {
      readonly channel: Pick<ReplicaChannel, 'send'>;
      readonly runId: number;
      readonly rank: number;
      readonly worldSize: number;
    },
  ) {
    this.rank = options.rank;
    this.worldSize = options.worldSize;
  }

  send(toRank: number, message: unknown): void {
    const { channel, runId } = this.options;
    channel.send({ kind: 'rank-send', runId, toRank, message });
  }

  onMessage(listener: RankListener): () => void {
    this.listeners.add(listener);
    const early = this.early;
    this.early = [];
    for (const [fromRank, message] of early) listener(fromRank, message);
    return () => this.listeners.delete(listener);
  }

  /** Hands a message from another rank to the listeners. */
  deliver(fromRank: number, message: unknown): void {
    if (this.listeners.size === 0) this.early.push([fromRank, message]);
    for (const listener of this.listeners) listener(fromRank, message);
  }
}

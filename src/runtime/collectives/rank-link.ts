import type { CollectiveMessage, CollectiveOperation } from './collective-message.js';
import { isCollectiveMessage } from './collective-message.js';
import { CollectiveRounds, type RoundSpec } from './collective-rounds.js';
import type { RankTransport } from './collectives.js';

/** One call's message, without the envelope marker. */
export type CallMessage = Omit<CollectiveMessage, 'sluice'>;

/** One collective call, as a rank sends and awaits it. */
export interface Exchange {
  readonly operation: CollectiveOperation;
  readonly detail?: number | string;
  readonly value?: unknown;
  readonly sendTo: readonly number[];
  readonly awaitFrom: readonly number[];
  readonly timeoutMs: number;
}

/**
 * A rank's end of its group: numbers its calls, sends their messages, and matches the
 * messages that come back (see {@link CollectiveRounds}).
 */
export class RankLink {
  readonly rank: number;
  readonly worldSize: number;
  /** Every rank but this one, in rank order. */
  readonly others: readonly number[];
  private readonly rounds = new CollectiveRounds();
  private readonly unsubscribe: () => void;

  constructor(private readonly transport: RankTransport) {
    this.rank = transport.rank;
    this.worldSize = transport.worldSize;
    this.others = Array.from({ length: this.worldSize }, (_, rank) => rank).filter(
      (rank) => rank !== this.rank,
    );
    this.unsubscribe = transport.onMessage((fromRank, message) => {
      if (isCollectiveMessage(message)) this.rounds.deliver(fromRank, message);
    });
  }

  nextSeq(): number {
    return this.rounds.nextSeq();
  }

  send(toRanks: readonly number[], message: CallMessage): void {
    const envelope: CollectiveMessage = { sluice: 'collective', ...message };
    for (const toRank of toRanks) this.transport.send(toRank, envelope);
  }

  /** Resolves with the value of each awaited rank's message for this call. */
  async wait(spec: RoundSpec): Promise<Map<number, unknown>> {
    const received = await this.rounds.wait(spec);
    return new Map([...received].map(([fromRank, { value }]) => [fromRank, value]));
  }

  /** Sends this rank's message for a new call, then awaits the other ranks'. */
  async exchange(call: Exchange): Promise<Map<number, unknown>> {
    const seq = this.nextSeq();
    const { operation, detail, value, awaitFrom, timeoutMs } = call;
    this.send(call.sendTo, { seq, operation, detail, value });
    if (awaitFrom.length === 0) return new Map();
    return this.wait({ seq, operation, detail, awaitFrom, timeoutMs });
  }

  /** This rank's own value and the received ones, in rank order. */
  inRankOrder(own: unknown, received: Map<number, unknown>): unknown[] {
    return Array.from({ length: this.worldSize }, (_, rank) =>
      rank === this.rank ? own : received.get(rank),
    );
  }

  close(reason: Error): void {
    this.unsubscribe();
    this.rounds.close(reason);
  }
}

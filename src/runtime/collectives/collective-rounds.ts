import { isErrorCode } from '../../errors/error-codes.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { CollectiveMessage, CollectiveOperation } from './collective-message.js';

/** One call waiting for the messages of other ranks. */
export interface RoundSpec {
  readonly seq: number;
  readonly operation: CollectiveOperation;
  readonly detail: number | string | undefined;
  /** The ranks whose message this call needs. */
  readonly awaitFrom: readonly number[];
  readonly timeoutMs: number;
  /**
   * Extra wait before this rank times out by itself, when another rank relays the answer:
   * that rank times out first and sends the failure naming the ranks it missed.
   */
  readonly graceMs?: number;
}

interface ActiveRound {
  readonly spec: RoundSpec;
  readonly received: Map<number, CollectiveMessage>;
  readonly resolve: (messages: Map<number, CollectiveMessage>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

function rankList(ranks: readonly number[]): string {
  return `${ranks.length === 1 ? 'rank' : 'ranks'} ${ranks.join(', ')}`;
}

function describe(operation: CollectiveOperation, detail: number | string | undefined): string {
  if (detail === undefined) return operation;
  return typeof detail === 'number' ? `${operation} (root ${detail})` : `${operation} (${detail})`;
}

/**
 * The bookkeeping of one rank's collective calls: matches each incoming message to the call
 * with its sequence number, buffers messages that arrive before their call, drops those
 * that arrive after it ended, and times calls out naming the ranks that never arrived.
 */
export class CollectiveRounds {
  private issued = 0;
  private closedReason: Error | undefined;
  private readonly active = new Map<number, ActiveRound>();
  private readonly early = new Map<number, Map<number, CollectiveMessage>>();

  /** Numbers the next call. */
  nextSeq(): number {
    this.issued += 1;
    return this.issued;
  }

  /** Resolves with one message from each awaited rank, or rejects on timeout, mismatch or close. */
  wait(spec: RoundSpec): Promise<Map<number, CollectiveMessage>> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timeOut(spec.seq), spec.timeoutMs + (spec.graceMs ?? 0));
      const round = { spec, received: new Map(), resolve, reject, timer };
      this.active.set(spec.seq, round);
      const buffered = this.early.get(spec.seq);
      this.early.delete(spec.seq);
      for (const [fromRank, message] of buffered ?? []) this.accept(round, fromRank, message);
      this.settleIfComplete(round);
    });
  }

  /** Routes a message from another rank to its call, now or once the call is made. */
  deliver(fromRank: number, message: CollectiveMessage): void {
    const round = this.active.get(message.seq);
    if (round) {
      this.accept(round, fromRank, message);
      this.settleIfComplete(round);
      return;
    }
    if (message.seq <= this.issued || this.closedReason) return;
    const buffered = this.early.get(message.seq) ?? new Map<number, CollectiveMessage>();
    if (!buffered.has(fromRank)) buffered.set(fromRank, message);
    this.early.set(message.seq, buffered);
  }

  /** Fails every waiting call with `reason`, and every later one. */
  close(reason: Error): void {
    this.closedReason ??= reason;
    for (const round of [...this.active.values()]) this.end(round, reason);
    this.early.clear();
  }

  private accept(round: ActiveRound, fromRank: number, message: CollectiveMessage): void {
    const { spec } = round;
    if (!spec.awaitFrom.includes(fromRank) || round.received.has(fromRank)) return;
    if (message.operation !== spec.operation || message.detail !== spec.detail) {
      const theirs = describe(message.operation, message.detail);
      const ours = describe(spec.operation, spec.detail);
      const error = new SluiceError(
        'app_error',
        `Collective #${spec.seq}: rank ${fromRank} called ${theirs} where this rank called ${ours}; every rank must call the same collectives in the same order`,
      );
      this.end(round, error);
      return;
    }
    if (message.failure) {
      const { code, message: text } = message.failure;
      this.end(round, new SluiceError(isErrorCode(code) ? code : 'internal', text));
      return;
    }
    round.received.set(fromRank, message);
  }

  private settleIfComplete(round: ActiveRound): void {
    if (round.received.size < round.spec.awaitFrom.length) return;
    if (!this.active.has(round.spec.seq)) return;
    this.end(round);
    round.resolve(round.received);
  }

  private timeOut(seq: number): void {
    const round = this.active.get(seq);
    if (!round) return;
    const { spec } = round;
    const missing = spec.awaitFrom.filter((rank) => !round.received.has(rank));
    const error = new SluiceError(
      'timeout',
      `${spec.operation} #${spec.seq} timed out after ${spec.timeoutMs} ms waiting for ${rankList(missing)}`,
    );
    this.end(round, error);
  }

  private end(round: ActiveRound, error?: Error): void {
    clearTimeout(round.timer);
    this.active.delete(round.spec.seq);
    if (error) round.reject(error);
  }
}

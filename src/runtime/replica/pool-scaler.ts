import type { ResolvedScale } from '../placement.js';
import { decideScale, type ScaledReplica, type ScaleReason } from './scale-policy.js';

/** What a {@link PoolScaler} reads from its pool and asks of it. */
export interface PoolScalerOptions<Replica> {
  readonly scale: ResolvedScale;
  /** Runs one replica holds at once. */
  readonly perReplica: number;
  /** The replicas up or coming, as the pool holds them. */
  readonly live: () => readonly Replica[];
  /** How the policy sees one of them. */
  readonly view: (replica: Replica) => ScaledReplica;
  /** Requests waiting inside the pool itself (handed over when no replica had room). */
  readonly waitingInPool: () => number;
  readonly start: (count: number) => void;
  readonly stop: (replicas: readonly Replica[]) => void;
  /** Told of every decision that started or stopped replicas. */
  readonly decided: (direction: 'up' | 'down', reason: ScaleReason, count: number) => void;
}

/**
 * The thin adapter around {@link decideScale}: keeps the queue's last word on waiting
 * requests, decides again on every change the pool reports, applies the decision, and
 * wakes itself when the next idle replica's keep-alive ends.
 *
 * @example
 * const scaler = new PoolScaler({ scale, perReplica: 1, live, view, waitingInPool, start, stop, decided });
 * scaler.demand(3); // three requests run or wait: up to three replicas
 */
export class PoolScaler<Replica> {
  private requests = 0;
  private wanted = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: PoolScalerOptions<Replica>) {}

  /** Replicas the policy last wanted. */
  get desired(): number {
    return this.wanted;
  }

  /** The queue owner's count of the app's running and waiting requests changed. */
  demand(requests: number): void {
    if (requests === this.requests) return; // nothing changed: the timer decides on idle replicas
    this.requests = requests;
    this.rescale();
  }

  /** Decides again, now. */
  rescale(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const { scale, perReplica, live, view, waitingInPool } = this.options;
    const replicas = live();
    const decision = decideScale({
      scale,
      perReplica,
      requests: this.requests,
      waitingInPool: waitingInPool(),
      replicas: replicas.map(view),
      now: Date.now(),
    });
    this.wanted = decision.desired;
    if (decision.start > 0) {
      this.options.start(decision.start);
      this.options.decided('up', decision.reason!, decision.start);
    }
    if (decision.stop.length > 0) {
      this.options.stop(decision.stop.map((index) => replicas[index]!));
      this.options.decided('down', 'idle', decision.stop.length);
    }
    if (decision.recheckMs !== undefined) {
      this.timer = setTimeout(() => this.rescale(), decision.recheckMs);
      this.timer.unref();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

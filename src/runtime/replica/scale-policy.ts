import type { ResolvedScale } from '../placement.js';

/** One replica that is up (or on its way up), as the scaling policy sees it. */
export interface ScaledReplica {
  /** `starting` includes a replica waiting out its restart backoff: it is coming. */
  readonly state: 'starting' | 'ready';
  /** Runs it holds now. */
  readonly running: number;
  /** When its last run ended, or it became ready with none (ms); `undefined` while busy. */
  readonly idleSince: number | undefined;
}

/** What the policy decides from. */
export interface ScaleInput {
  readonly scale: ResolvedScale;
  /** Runs one replica holds at once. */
  readonly perReplica: number;
  /**
   * Requests of the app running or waiting, as the queue's owner counts them (the
   * dispatcher, or a worker with the shared queue's depth). Runs it handed over count
   * until they end, so a replica is never stopped under a run on its way to it.
   */
  readonly requests: number;
  /** Requests waiting inside the pool itself for a slot (already among `requests`). */
  readonly waitingInPool: number;
  readonly replicas: readonly ScaledReplica[];
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/** Why replicas start or stop: requests wait, the app's `min`, or replicas idle past keep-alive. */
export type ScaleReason = 'queue' | 'min' | 'idle';

/** What to do now. */
export interface ScaleDecision {
  /** Replicas the app should have up. */
  readonly desired: number;
  /** How many replicas to start. */
  readonly start: number;
  /** Which replicas to stop: indexes into `replicas`, idle longest first. */
  readonly stop: readonly number[];
  /** Why, when anything starts or stops. */
  readonly reason: ScaleReason | undefined;
  /** Decide again after this long (ms): the next idle replica's keep-alive ends then. */
  readonly recheckMs: number | undefined;
}

/**
 * The autoscaling policy, pure: enough replicas for every running and waiting request
 * (up to `max`), never fewer than `min`, and an idle replica is kept until its keep-alive
 * has passed. Only ready replicas that hold no run are ever stopped.
 *
 * @example
 * decideScale({ scale: { min: 0, max: 4, keepAliveMs: 60_000 }, perReplica: 1, requests: 3, waitingInPool: 0, replicas: [], now: Date.now() });
 * // { desired: 3, start: 3, stop: [], reason: 'queue', recheckMs: undefined }
 */
export function decideScale(input: ScaleInput): ScaleDecision {
  const { scale, replicas } = input;
  const needed = neededFor(input);
  const floor = Math.max(scale.min, needed);
  const warm = replicas.filter((replica) => !expired(replica, input)).length;
  const desired = Math.min(scale.max, Math.max(floor, warm));
  const live = replicas.length;
  const recheckMs = live > floor ? nextExpiry(input) : undefined;
  if (desired > live) {
    const reason = needed > live ? 'queue' : 'min';
    return { desired, start: desired - live, stop: [], reason, recheckMs };
  }
  const stop = stoppable(input).slice(0, live - desired);
  return { desired, start: 0, stop, reason: stop.length > 0 ? 'idle' : undefined, recheckMs };
}

/** Replicas every running and waiting request needs (whichever count is higher). */
function neededFor(input: ScaleInput): number {
  const running = input.replicas.reduce((total, replica) => total + replica.running, 0);
  const requests = Math.max(input.requests, running + input.waitingInPool);
  return Math.ceil(requests / input.perReplica);
}

/** A ready replica with no run, idle for its whole keep-alive. */
function expired(replica: ScaledReplica, input: ScaleInput): boolean {
  if (replica.state !== 'ready' || replica.running > 0 || replica.idleSince === undefined)
    return false;
  return input.now - replica.idleSince >= input.scale.keepAliveMs;
}

/** Indexes of the expired replicas, idle longest first. */
function stoppable(input: ScaleInput): number[] {
  return input.replicas
    .map((replica, index) => ({ replica, index }))
    .filter(({ replica }) => expired(replica, input))
    .sort((a, b) => a.replica.idleSince! - b.replica.idleSince!)
    .map(({ index }) => index);
}

/** Milliseconds until the next idle replica's keep-alive ends. */
function nextExpiry(input: ScaleInput): number | undefined {
  let soonest: number | undefined;
  for (const replica of input.replicas) {
    if (replica.state !== 'ready' || replica.running > 0 || replica.idleSince === undefined)
      continue;
    const left = replica.idleSince + input.scale.keepAliveMs - input.now;
    if (left > 0 && (soonest === undefined || left < soonest)) soonest = left;
  }
  return soonest;
}

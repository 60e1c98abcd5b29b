import type { Lane } from './bull-lane-name.js';

/**
 * What an admitted enqueue checks in the same step as it lists the request: the lane
 * takes it while its waiting requests are fewer than its free run slots plus `queued`.
 * Every count is `Infinity` when unbounded.
 */
export interface AdmissionBounds {
  /** Requests of the lane that may wait with no run slot free for them. */
  readonly queued: number;
  /** Runs of the lane at once, on every worker. */
  readonly concurrent: number;
  /** Runs of the whole app at once: what its workers can hold. */
  readonly capacity: number;
  /** Every lane of the app: their runs count against `capacity`. */
  readonly appLanes: readonly Lane[];
}

/** An enqueue that first reserves the request's place within its lane's bounds. */
export interface AdmittedEnqueue {
  readonly bounds: AdmissionBounds;
  /**
   * Runs once the place is reserved and before any worker can take the request (a
   * gateway creates the request's log and state here); when it rejects, the place is
   * given back and the enqueue rejects with its error.
   */
  readonly prepare?: () => Promise<void>;
}

/** How an admission went: listed, refused (the lane is full), or the id was already taken. */
export type AdmissionOutcome = 'admitted' | 'full' | 'taken';

/**
 * A bound as the admission script reads it: a whole number, `-1` for none.
 *
 * @example
 * boundArgument(Infinity); // -1
 */
export function boundArgument(bound: number): number {
  return Number.isFinite(bound) ? Math.max(0, Math.floor(bound)) : -1;
}

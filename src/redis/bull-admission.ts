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

/** A hash an admission writes: its fields (names and values in turn), and its expiry. */
export interface HashWrite {
  readonly key: string;
  readonly fields: readonly (string | number)[];
  readonly ttlMs: number;
}

/**
 * Keys written in the same step as the admission that lists a request, before any worker
 * can take it (a gateway creates the request's log and state so): all of them or none.
 */
export interface AdmissionWrites {
  /** Keys that must not exist: if one does, nothing is listed or written. */
  readonly absent: readonly string[];
  readonly hashes: readonly HashWrite[];
  /** Called once they are written. */
  readonly written?: () => void;
}

/** An enqueue that first reserves the request's place within its lane's bounds. */
export interface AdmittedEnqueue {
  readonly bounds: AdmissionBounds;
  /** Written with the listing, in one step: a refused request leaves none of them. */
  readonly writes?: readonly AdmissionWrites[];
}

/**
 * How an admission went: listed, refused (the lane is full), the id was already taken,
 * or a key of its writes that must be absent exists.
 */
export type AdmissionOutcome = 'admitted' | 'full' | 'taken' | 'exists';

/**
 * A bound as the admission script reads it: a whole number, `-1` for none.
 *
 * @example
 * boundArgument(Infinity); // -1
 */
export function boundArgument(bound: number): number {
  return Number.isFinite(bound) ? Math.max(0, Math.floor(bound)) : -1;
}

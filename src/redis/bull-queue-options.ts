import type { Lane } from './bull-lane-name.js';

/** How a `BullRequestQueue` locks, retries and limits runs. */
export interface BullQueueOptions {
  /** Lock of a taken job; renewed every lockMs/2 while it runs (default 10_000). */
  readonly lockMs?: number;
  /** How often this instance checks for stalled jobs of the lanes it takes from (default 5_000). */
  readonly stalledCheckMs?: number;
  /** Runs a stalled request of this lane may be retried (BullMQ maxStalledCount); default 0. */
  readonly retriesOf?: (lane: Lane) => number;
  /**
   * Cluster-wide concurrent runs of this lane (BullMQ global concurrency). Set by each
   * instance that opens the lane (takes from it or serves it) when a number; `undefined`
   * leaves whatever limit the lane has, so a gateway or a worker that knows no limit never
   * lifts the one another set. Nothing removes a limit: lifting one is an operator's act
   * (BullMQ `Queue.removeGlobalConcurrency`). Default: `undefined` for every lane.
   */
  readonly concurrencyOf?: (lane: Lane) => number | undefined;
  /**
   * Time between repairs of drift between the index and BullMQ, on instances that
   * `serveLanes` (default 3 × stalledCheckMs).
   */
  readonly reconcileMs?: number;
  /**
   * Age after which a listed entry whose BullMQ job does not wait is dropped by those
   * repairs (default 30_000): younger ones may belong to an enqueue under way.
   */
  readonly orphanAfterMs?: number;
  /** Errors of background work (lock renewals, stall handling, BullMQ's own); default ignored. */
  readonly onError?: (error: unknown) => void;
}

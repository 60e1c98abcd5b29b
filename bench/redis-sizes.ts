import type { FirstEventRuns } from './redis-workloads.js';

/** How big each scenario is. */
export interface Sizes {
  readonly throughput: { readonly streams: number; readonly events: number };
  readonly throughputRepetitions: number;
  readonly latency: { readonly streams: number; readonly durationMs: number };
  readonly latencyRepetitions: number;
  readonly firstEvent: FirstEventRuns;
  readonly retainedRequests: number;
}

const FULL: Sizes = {
  throughput: { streams: 100, events: 2_000 },
  throughputRepetitions: 3,
  latency: { streams: 50, durationMs: 10_000 },
  latencyRepetitions: 2,
  firstEvent: { runs: 200, warmupStreams: 2_000, warmupMs: 30_000 },
  retainedRequests: 1_000,
};
const QUICK: Sizes = {
  throughput: { streams: 50, events: 500 },
  throughputRepetitions: 1,
  latency: { streams: 20, durationMs: 3_000 },
  latencyRepetitions: 1,
  firstEvent: { runs: 50, warmupStreams: 500, warmupMs: 10_000 },
  retainedRequests: 200,
};
/**
 * The scenario sizes of a full run, or of a `--quick` one.
 *
 * @example
 * const sizes = benchSizes(process.argv.includes('--quick'));
 */
export function benchSizes(quick: boolean): Sizes {
  return quick ? QUICK : FULL;
}

import { getHeapStatistics } from 'node:v8';
import { MemoryBudget } from './memory-budget.js';

/**
 * What the default budget leaves aside of V8's heap limit before taking its share: the
 * young generation, which the limit counts (48 MiB in Node 20) but which holds no
 * long-lived data, and the process's own code and state (about 25 MiB for a gateway).
 */
const HEAP_RESERVE_BYTES = 64 * 1024 * 1024;

/**
 * Share of the rest that events may take by default. The other half is left to the app's
 * state (inline runs share the heap), request bodies being parsed, frames being written,
 * and the free space a full garbage collection needs: V8 fails with "heap out of memory"
 * well before live data reaches the limit. Live runs may still take the budget's ceiling
 * (1.25 times it) before their appends are refused. With `--max-old-space-size=96` (a
 * 144 MiB limit) that is a 40 MiB budget and a 50 MiB ceiling next to a 96 MiB old space;
 * with a 4 GiB limit, a 2 GiB budget. The charge per event counts its measured heap cost,
 * so the budget is close to the heap it stands for.
 */
export const DEFAULT_HEAP_SHARE = 0.5;

/** The smallest default budget, for heaps too small for the reserve. */
const MIN_DEFAULT_BYTES = 8 * 1024 * 1024;

/**
 * The default budget: {@link DEFAULT_HEAP_SHARE} of this process's heap limit less a fixed
 * reserve (`--max-old-space-size` moves it).
 *
 * @example
 * defaultMemoryBudgetBytes(); // 2 GiB under a 4 GiB heap limit
 */
export function defaultMemoryBudgetBytes(): number {
  const usable = getHeapStatistics().heap_size_limit - HEAP_RESERVE_BYTES;
  return Math.max(MIN_DEFAULT_BYTES, Math.floor(usable * DEFAULT_HEAP_SHARE));
}

let processBudget: MemoryBudget | undefined;

/**
 * The process's one memory budget, shared by every memory log and every run's buffer of
 * events in it (a gateway, a worker, a replica process each have their own).
 *
 * @example
 * processMemoryBudget().setLimit(256 * 1024 * 1024);
 */
export function processMemoryBudget(): MemoryBudget {
  processBudget ??= new MemoryBudget({ limitBytes: defaultMemoryBudgetBytes() });
  return processBudget;
}

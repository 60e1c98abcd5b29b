import { getHeapStatistics } from 'node:v8';
import { MemoryBudget } from './memory-budget.js';

/**
 * Share of V8's heap limit that events may take by default. The other half is left to
 * everything else a process holds: its own code and the app's state (inline runs share
 * the heap), request bodies being parsed (10 MiB each by default), frames being written,
 * and the free space a full garbage collection needs to compact: V8 gives up with "heap
 * out of memory" well before live data reaches the limit exactly. The charge per event
 * already counts its measured overhead, so the budget is close to the heap it stands for.
 */
export const DEFAULT_HEAP_SHARE = 0.5;

/**
 * The default budget: {@link DEFAULT_HEAP_SHARE} of this process's heap limit
 * (`--max-old-space-size` moves it).
 *
 * @example
 * defaultMemoryBudgetBytes(); // about 2 GiB under Node's 4 GiB default heap
 */
export function defaultMemoryBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_HEAP_SHARE);
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

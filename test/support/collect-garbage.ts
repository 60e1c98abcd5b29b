/**
 * Runs two full garbage collections and returns what memory is then still in use: what a
 * test bounds to show a server keeps no more than it should. Needs `--expose-gc` (the
 * suite's workers have it).
 *
 * @example
 * const before = memoryAfterGc().heapUsed;
 */
export function memoryAfterGc(): NodeJS.MemoryUsage {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('Run the tests with --expose-gc');
  collect();
  collect();
  return process.memoryUsage();
}

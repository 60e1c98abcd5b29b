import type { MemoryEventLog } from '../../src/events/memory-event-log.js';

/**
 * Expires every ended request of a log made with a retention of 1 ms, without waiting for
 * its once-a-second sweep.
 *
 * @example
 * await expireEnded(eventLog);
 */
export async function expireEnded(eventLog: MemoryEventLog): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  eventLog.sweep(Date.now());
}

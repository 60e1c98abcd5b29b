import type { Logger } from 'pino';

/** How long repeats of one error message are counted before they are logged as a sum. */
const QUIET_MS = 30_000;

/**
 * An error listener for connections that retry by themselves (BullMQ's queues and workers):
 * the first error of a kind is logged at warn, repeats within 30 s are only counted, and
 * logged once as a sum. A Redis outage then costs a few lines, not one per reconnect.
 *
 * @example
 * queue.on('error', repeatedErrors(logger, 'redis queue'));
 */
export function repeatedErrors(logger: Logger, message: string): (error: unknown) => void {
  const seen = new Map<string, { since: number; repeats: number }>();
  return (error) => {
    const now = Date.now();
    const text = error instanceof Error ? error.message : String(error);
    const entry = seen.get(text);
    if (entry && now - entry.since < QUIET_MS) {
      entry.repeats++;
      return;
    }
    if (entry && entry.repeats > 0) {
      logger.warn({ repeats: entry.repeats, error: text }, `${message}: repeated`);
    }
    if (seen.size > 100) seen.clear();
    seen.set(text, { since: now, repeats: 0 });
    logger.warn({ err: error }, message);
  };
}

import type { Logger } from 'pino';

/** What bounds a shutdown: its deadline, and what the process still holds if it must leave. */
export interface StopLimits {
  /** The shutdown deadline in ms; the process leaves at most {@link HAND_OVER_MS} after it. */
  readonly deadlineMs: number;
  /** Requests this process still holds, counted in the log line if it has to leave anyway. */
  readonly holding: () => number;
}

/** What a shutdown may take past its deadline to hand over what it holds (end runs, close connections). */
export const HAND_OVER_MS = 5_000;

/**
 * On the first SIGINT or SIGTERM, runs `close` (a graceful shutdown) and exits: 0 once it
 * is done, 1 if it failed or, with `limits`, if it is still going {@link HAND_OVER_MS}
 * after the deadline (a backend that never answers, say Redis during an outage): then one
 * log line counts the requests it could not hand over.
 *
 * @example
 * stopOnSignals(logger, () => gateway.close(), { deadlineMs: 30_000, holding: () => 0 });
 */
export function stopOnSignals(
  logger: Logger,
  close: () => Promise<void>,
  limits?: StopLimits,
): void {
  const stop = () => {
    logger.info('shutting down: draining running runs');
    if (limits) leaveBy(logger, limits);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function leaveBy(logger: Logger, limits: StopLimits): void {
  setTimeout(() => {
    const unfinished = limits.holding();
    logger.error(
      { unfinished, deadlineMs: limits.deadlineMs },
      `shutdown overran its deadline: leaving; ${unfinished} request(s) could not be handed over`,
    );
    process.exit(1);
  }, limits.deadlineMs + HAND_OVER_MS);
}

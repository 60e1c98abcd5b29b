import type { Logger } from 'pino';

/**
 * On the first SIGINT or SIGTERM, runs `close` (a graceful shutdown) and exits: 0 once it
 * is done, 1 if it failed.
 *
 * @example
 * stopOnSignals(logger, () => gateway.close());
 */
export function stopOnSignals(logger: Logger, close: () => Promise<void>): void {
  const stop = () => {
    logger.info('shutting down: draining running runs');
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

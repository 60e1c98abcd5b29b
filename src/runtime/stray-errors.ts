import type { Logger } from 'pino';
import { runScope } from './run-scope.js';

/**
 * Keeps the server alive when app code throws outside its run's call chain (a timer, an
 * event-emitter callback, a promise nobody awaited). Node carries the run's async context
 * into these handlers, so the error fails the run it came from, which then ends with
 * `app_error` instead of hanging. An uncaught exception from outside any run is a bug in
 * the server itself: it is logged and the process exits, as Node would.
 *
 * @example
 * const uninstall = handleStrayErrors(logger);
 */
export function handleStrayErrors(logger: Logger): () => void {
  const failRun = (error: unknown): boolean => {
    const scope = runScope.getStore();
    if (!scope) return false;
    logger.error({ requestId: scope.requestId, err: error }, 'the app threw outside its run');
    scope.fail(error);
    return true;
  };
  const onException = (error: Error) => {
    if (failRun(error)) return;
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  };
  const onRejection = (reason: unknown) => {
    if (!failRun(reason)) logger.error({ err: reason }, 'unhandled promise rejection');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

import type { Logger } from 'pino';
import { SluiceError } from '../errors/sluice-error.js';
import { toTerminalError } from '../runtime/terminal-error.js';
import { failureDetail } from '../runtime/failure-detail.js';

/** One run to see through to its request's end. */
export interface RunToEnd {
  readonly requestId: string;
  readonly logger: Logger;
  /** The app and endpoint, for the log line of a failed run. */
  readonly app?: string;
  readonly endpoint?: string;
  /** Executes the run in the runtime; the run writes its own terminal event and says how it ended. */
  readonly execute: () => Promise<unknown>;
  /**
   * Ends the request with `error` unless it has ended; `unexpected` asks to log the ending
   * as a fault (`ending a request its run left live`).
   */
  readonly end: (error: SluiceError, unexpected: boolean) => Promise<unknown>;
}

function failedWith(outcome: unknown): SluiceError | undefined {
  const ended = outcome as { ok?: unknown; error?: unknown } | undefined;
  if (ended?.ok !== false || !(ended.error instanceof SluiceError)) return undefined;
  return ended.error;
}

/**
 * Logs a run that failed (not one cancelled) at error level: the app's own message, stack
 * and causes, with the request id, app and endpoint. The client saw only a safe message.
 */
function logFailedRun(run: RunToEnd, outcome: unknown): void {
  const error = failedWith(outcome);
  if (!error || error.code === 'cancelled') return;
  const detail = failureDetail(error);
  const fields = { requestId: run.requestId, app: run.app, endpoint: run.endpoint ?? '' };
  run.logger.error({ ...fields, code: error.code, error: detail }, `run failed: ${detail.message}`);
}

/**
 * Executes a run and makes sure its request ends, the same way on every backend. A run
 * that failed is logged with its app's own error (see `logFailedRun`); a
 * runtime that fails (rejects) is logged once, `run could not execute`, and its failure
 * ends the request; a run that returns without a terminal event is a fault of its own,
 * logged as `ending a request its run left live`, and ends with `internal`. Never rejects
 * unless `end` does.
 *
 * @example
 * await runToEnd({ requestId, logger, execute: () => runtime.execute(job), end });
 */
export function runToEnd(run: RunToEnd): Promise<unknown> {
  // One reaction rather than an async function or a longer chain: an idle stream's run
  // holds it for as long as the run lasts, and a suspended async frame or each further
  // link of a chain (a promise and its reaction) is held with it.
  const couldNotExecute = (thrown: unknown) => {
    run.logger.error({ requestId: run.requestId, err: thrown }, 'run could not execute');
    return run.end(toTerminalError(thrown), false).then(() => endLeftLive(run));
  };
  return executing(run).then((outcome) => {
    try {
      logFailedRun(run, outcome);
    } catch (thrown) {
      return couldNotExecute(thrown);
    }
    return endLeftLive(run);
  }, couldNotExecute);
}

/** Ends the request if its run left it live: a fault of the run's, logged as one. */
function endLeftLive(run: RunToEnd): Promise<unknown> {
  return run.end(LEFT_LIVE, true);
}

/** The run's execution as a promise, a synchronous throw included. */
function executing(run: RunToEnd): Promise<unknown> {
  try {
    return run.execute();
  } catch (thrown) {
    // Whatever was thrown, as an async function would reject with it.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(thrown);
  }
}

/** What a run that returned without ending its request ends it with (shared, so frozen). */
const LEFT_LIVE = Object.freeze(new SluiceError('internal', 'The run ended without a result'));

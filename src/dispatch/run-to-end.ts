import type { Logger } from 'pino';
import { SluiceError } from '../errors/sluice-error.js';
import { toTerminalError } from '../runtime/terminal-error.js';

/** One run to see through to its request's end. */
export interface RunToEnd {
  readonly requestId: string;
  readonly logger: Logger;
  /** Executes the run in the runtime; the run writes its own terminal event. */
  readonly execute: () => Promise<unknown>;
  /**
   * Ends the request with `error` unless it has ended; `unexpected` asks to log the ending
   * as a fault (`ending a request its run left live`).
   */
  readonly end: (error: SluiceError, unexpected: boolean) => Promise<unknown>;
}

/**
 * Executes a run and makes sure its request ends, the same way on every backend: a
 * runtime that fails (rejects) is logged once, `run could not execute`, and its failure
 * ends the request; a run that returns without a terminal event is a fault of its own,
 * logged as `ending a request its run left live`, and ends with `internal`. Never rejects
 * unless `end` does.
 *
 * @example
 * await runToEnd({ requestId, logger, execute: () => runtime.execute(job), end });
 */
export async function runToEnd(run: RunToEnd): Promise<void> {
  try {
    await run.execute();
  } catch (thrown) {
    run.logger.error({ requestId: run.requestId, err: thrown }, 'run could not execute');
    await run.end(toTerminalError(thrown), false);
  }
  await run.end(new SluiceError('internal', 'The run ended without a result'), true);
}

import { SluiceError } from '../errors/sluice-error.js';
import type { RunOutcome } from './execute-run.js';
import type { RuntimeJob } from './runtime.js';
import { terminalErrorEvent } from './terminal-error.js';

/**
 * A run cancelled while it waited for a place to run (a replica, or its key's turn): its
 * terminal event, written here, since no run will write it.
 *
 * @example
 * if (!release) return endWaiting(job);
 */
export async function endWaiting(job: RuntimeJob): Promise<RunOutcome> {
  const error = job.control.reason ?? new SluiceError('cancelled', 'The request was cancelled');
  await job.sink([terminalErrorEvent(error, job.requestId)]);
  return { ok: false, error };
}

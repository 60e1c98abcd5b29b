import type { Logger } from 'pino';
import type { EventLog } from '../events/event-log.js';
import type { LoggedEvent } from '../events/event-types.js';
import type { SluiceError } from '../errors/sluice-error.js';
import { terminalErrorEvent } from '../runtime/terminal-error.js';

/** One request to end with an error. */
export interface Ending {
  readonly eventLog: EventLog;
  readonly logger: Logger;
  readonly requestId: string;
  readonly error: SluiceError;
  /** Log it as a fault: the run itself should have ended the request. */
  readonly unexpected: boolean;
  /** The writer's epoch, when a run's attempt ends its own request (see `AppendOptions`). */
  readonly epoch?: number;
}

/**
 * Writes a terminal `error` event unless the request's log has already ended; never
 * rejects (a failure is logged with the request id). Answers the terminal event as the log
 * kept it, or `undefined` when it wrote none: only the process that wrote it delivers the
 * request's webhook, with this event (no need to read it back).
 *
 * @example
 * const written = await endIfLive({ eventLog, logger, requestId, error, unexpected: false });
 */
export async function endIfLive(ending: Ending): Promise<LoggedEvent | undefined> {
  const { eventLog, logger, requestId, error } = ending;
  try {
    const lookup = await eventLog.lookup(requestId);
    if (lookup.state !== 'live') return undefined;
    if (ending.unexpected)
      logger.error({ requestId, code: error.code }, 'ending a request its run left live');
    const terminal = terminalErrorEvent(error, requestId);
    const result = await eventLog.append(requestId, [terminal], { epoch: ending.epoch });
    return result.accepted ? Object.assign({}, terminal, { seq: result.lastSeq }) : undefined;
  } catch (failure) {
    logger.error({ requestId, err: failure }, 'could not end the request');
    return undefined;
  }
}

import type { Logger } from 'pino';
import type { App } from '../app/define-app.js';
import { endIfLive } from '../dispatch/end-request.js';
import type { RequestAftermath } from '../dispatch/request-aftermath.js';
import { RequestLifecycle } from '../dispatch/request-lifecycle.js';
import type { QueueEntry } from '../dispatch/request-queue.js';
import type { TrackedRequest } from '../dispatch/tracked-request.js';
import type { EventLog, RequestRecord } from '../events/event-log.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { RunStates } from './run-states.js';

/** What ending a request outside its run needs. */
export interface EndingParts {
  readonly eventLog: EventLog;
  readonly states: RunStates;
  readonly logger: Logger;
  readonly aftermath: RequestAftermath;
  readonly findApp: (appId: string) => App | undefined;
}

/** How a request ends outside its run. */
export interface RemoteEnding {
  readonly record: RequestRecord;
  readonly error: SluiceError;
  /** It never started within its start timeout. */
  readonly startTimedOut?: boolean;
  /** What this process knows of it (the gateway that accepted it, the worker that took it), ended. */
  readonly tracked?: TrackedRequest;
}

/**
 * Ends a request that its run will not end: cancelled or timed out in the queue, or lost
 * with its worker. The state is marked ended, the terminal event written, and the webhook
 * sent, by this process only if its terminal event is the one the log accepted, so a
 * request's webhook goes out once whichever processes race to end it.
 *
 * @example
 * await endRemotely(parts, { record, error: new SluiceError('worker_lost', 'The worker running this request was lost') });
 */
export async function endRemotely(parts: EndingParts, ending: RemoteEnding): Promise<void> {
  const { eventLog, states, logger } = parts;
  const { requestId } = ending.record;
  // The state first: a client that reads the terminal event then asks how it ended.
  const marked = states.ended(requestId, {
    startTimedOut: ending.startTimedOut,
    outcome: ending.error.code,
  });
  await marked.catch((error: unknown) => {
    logger.error({ requestId, err: error }, 'could not mark the request ended');
  });
  const error = ending.error;
  const written = await endIfLive({ eventLog, logger, requestId, error, unexpected: false });
  if (!written) return;
  const tracked = ending.tracked ?? (await rebuilt(parts, ending.record));
  if (!tracked) return;
  const facts = await states.facts(requestId);
  const webhookUrl = facts?.webhookUrl ?? tracked.submission.webhookUrl;
  parts.aftermath.recordEnded(tracked, written, { webhookUrl });
}

/** A request this process did not accept, as the aftermath sees it. */
async function rebuilt(
  parts: EndingParts,
  record: RequestRecord,
): Promise<RequestLifecycle | undefined> {
  const app = parts.findApp(record.appId);
  const endpoint = app?.endpoints.get(record.endpoint);
  if (!app || !endpoint) return undefined;
  const facts = await parts.states.facts(record.requestId);
  const submission = {
    app,
    endpoint,
    input: undefined,
    owner: record.owner,
    cancelOnDisconnect: facts?.cancelOnDisconnect ?? false,
    webhookUrl: facts?.webhookUrl,
  };
  const request = new RequestLifecycle(record, submission);
  request.end();
  return request;
}

/**
 * Ends a request whose worker died and whose retries ran out, from its queue entry.
 *
 * @example
 * queue.onLost((entry, retrying) => retrying || void endLost(parts, entry));
 */
export function endLost(parts: EndingParts, entry: QueueEntry): Promise<void> {
  const record = {
    requestId: entry.requestId,
    appId: entry.appId,
    endpoint: entry.endpoint,
    owner: entry.request?.owner ?? 'anonymous',
    createdAt: entry.enqueuedAt,
  };
  const error = new SluiceError('worker_lost', 'The worker running this request was lost');
  return endRemotely(parts, { record, error });
}

import { resolveLimits } from '../dispatch/load-counters.js';
import type { QueueEntry } from '../dispatch/request-queue.js';
import type { DefaultLimits, Submission, TrackedRequest } from '../dispatch/tracked-request.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { RemoteQueue } from './remote-dispatcher.js';

const RETRY_AFTER_SECONDS = 1;

/** What decides whether a Redis gateway takes a request. */
export interface Admission {
  readonly closing: boolean;
  readonly submission: Submission;
  readonly queue: Pick<RemoteQueue, 'laneDepth'>;
  readonly defaultLimits: DefaultLimits | undefined;
}

/**
 * Why a request may not be queued, or `undefined` when it may: 503 while shutting down
 * (children of running parents still may), 429 past the endpoint's `queued` limit counted
 * over every gateway. Whether a worker has room is not known here, so an empty queue
 * admits, as a request that starts at once does in memory mode.
 *
 * @example
 * const refusal = await refusalOf({ closing, submission, queue, defaultLimits });
 * if (refusal) throw refusal;
 */
export async function refusalOf(admission: Admission): Promise<SluiceError | undefined> {
  const { submission } = admission;
  const retry = { retryAfterSeconds: RETRY_AFTER_SECONDS };
  if (admission.closing && submission.view !== 'child')
    return new SluiceError('app_unavailable', 'The server is shutting down', retry);
  const { queued } = resolveLimits(submission.endpoint.limits, admission.defaultLimits);
  if (queued === Infinity) return undefined;
  const lane = { appId: submission.app.id, endpoint: submission.endpoint.path };
  const waiting = await admission.queue.laneDepth(lane);
  if (waiting === 0 || waiting < queued) return undefined;
  return new SluiceError('overloaded', 'Too many requests are waiting for this endpoint', retry);
}

/**
 * A submitted request as the shared queue carries it: its place (app, endpoint, priority)
 * and everything a worker in another process needs to run it.
 *
 * @example
 * await queue.enqueue(queueEntryOf(tracked));
 */
export function queueEntryOf(tracked: TrackedRequest): QueueEntry {
  const { record, submission } = tracked;
  const seconds = submission.startTimeoutSeconds;
  return {
    requestId: record.requestId,
    appId: record.appId,
    endpoint: record.endpoint,
    priority: submission.priority ?? 0,
    enqueuedAt: record.createdAt,
    request: {
      input: 'sentInput' in submission ? submission.sentInput : submission.input,
      owner: submission.owner,
      view: submission.view ?? 'sync',
      cancelOnDisconnect: submission.cancelOnDisconnect,
      startDeadline: seconds === undefined ? undefined : record.createdAt + seconds * 1000,
      webhookUrl: submission.webhookUrl,
    },
  };
}

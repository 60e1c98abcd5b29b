import { RETRY_AFTER_SECONDS, SHUTTING_DOWN } from '../dispatch/dispatch-defaults.js';
import { resolveLimits } from '../dispatch/load-counters.js';
import type { QueueEntry } from '../dispatch/request-queue.js';
import type { DefaultLimits, Submission, TrackedRequest } from '../dispatch/tracked-request.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { RemoteQueue } from './remote-dispatcher.js';

/** What decides whether a Redis gateway takes a request. */
export interface Admission {
  readonly closing: boolean;
  readonly submission: Submission;
  readonly queue: Pick<RemoteQueue, 'laneDepth' | 'laneRunning'>;
  readonly defaultLimits: DefaultLimits | undefined;
  /** Runs of an app the workers can hold at once, as they last announced. */
  readonly capacityOf: (appId: string) => number;
}

/**
 * Why a request may not be queued, or `undefined` when it may: 503 while shutting down
 * (children of running parents still may), 429 past the endpoint's `queued` limit counted
 * over every gateway. As in memory mode, a request that can start at once (nothing
 * waiting, the endpoint under its `concurrent` limit and the app under the workers'
 * capacity) is always admitted, even with `queued: 0`.
 *
 * @example
 * const refusal = await refusalOf({ closing, submission, queue, defaultLimits, capacityOf });
 * if (refusal) throw refusal;
 */
export async function refusalOf(admission: Admission): Promise<SluiceError | undefined> {
  const { submission } = admission;
  const retry = { retryAfterSeconds: RETRY_AFTER_SECONDS };
  if (admission.closing && submission.view !== 'child')
    return new SluiceError('app_unavailable', SHUTTING_DOWN, retry);
  const limits = resolveLimits(submission.endpoint.limits, admission.defaultLimits);
  if (limits.queued === Infinity) return undefined;
  const lane = { appId: submission.app.id, endpoint: submission.endpoint.path };
  const waiting = await admission.queue.laneDepth(lane);
  if (waiting < limits.queued) return undefined;
  if (waiting === 0 && (await startsAtOnce(admission, limits.concurrent))) return undefined;
  return new SluiceError('overloaded', 'Too many requests are waiting for this endpoint', retry);
}

/** Whether a request of this endpoint would start at once: room under both limits. */
async function startsAtOnce(admission: Admission, concurrent: number): Promise<boolean> {
  const { app } = admission.submission;
  const lanes = [...app.endpoints.keys()].map((endpoint) => ({ appId: app.id, endpoint }));
  const running = await Promise.all(lanes.map((lane) => admission.queue.laneRunning(lane)));
  const endpointRunning =
    running[lanes.findIndex((lane) => lane.endpoint === admission.submission.endpoint.path)] ?? 0;
  const appRunning = running.reduce((total, count) => total + count, 0);
  return endpointRunning < concurrent && appRunning < admission.capacityOf(app.id);
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

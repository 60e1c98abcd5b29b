import { resolveLimits } from '../dispatch/load-counters.js';
import type { QueueEntry } from '../dispatch/request-queue.js';
import type { DefaultLimits, Submission, TrackedRequest } from '../dispatch/tracked-request.js';
import type { AdmissionBounds } from '../redis/bull-admission.js';

/** What decides whether a Redis gateway takes a request. */
export interface Admission {
  readonly submission: Submission;
  readonly defaultLimits: DefaultLimits | undefined;
  /** Runs of an app the workers can hold at once, as they last announced. */
  readonly capacityOf: (appId: string) => number;
}

/**
 * The bounds the shared queue checks as it lists a request, counted over every gateway
 * and worker in one Redis step: a lane takes a request while fewer wait than its free run
 * slots (under the endpoint's `concurrent` limit and the workers' capacity for the app)
 * plus its `queued` limit. So, as in memory mode, a request that can start at once is
 * always admitted, even with `queued: 0`, and no burst passes `concurrent + queued`.
 *
 * @example
 * const bounds = admissionBounds({ submission, defaultLimits, capacityOf });
 * if (!(await queue.enqueueAdmitted(entry, { bounds }))) throw overloaded();
 */
export function admissionBounds(admission: Admission): AdmissionBounds {
  const { app, endpoint } = admission.submission;
  const limits = resolveLimits(endpoint.limits, admission.defaultLimits);
  const appLanes = [...app.endpoints.keys()].map((path) => ({ appId: app.id, endpoint: path }));
  return { ...limits, capacity: admission.capacityOf(app.id), appLanes };
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
      runTimeoutSeconds: submission.runTimeoutSeconds,
      webhookUrl: submission.webhookUrl,
      traceparent: submission.trace?.traceparent,
    },
  };
}

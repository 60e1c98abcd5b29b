import { parseInput } from '../../app/input-schema.js';
import type { RequestView } from '../../dispatch/dispatch-observer.js';
import { parseQueueOptions } from '../../dispatch/request-options.js';
import type { Submission, Submitted } from '../../dispatch/tracked-request.js';
import { SluiceError } from '../../errors/sluice-error.js';
import type { ResolvedRunRoute } from '../app-routes.js';
import type { GatewayContext } from '../gateway-context.js';

/** What a view hands to {@link submitRun}: one input for one endpoint, from one caller. */
export interface RunStart {
  readonly route: Pick<ResolvedRunRoute, 'app' | 'endpoint'>;
  /** The input as sent; `undefined` (no body) runs with the input's defaults. */
  readonly sent: unknown;
  /** The request's headers (priority, start timeout), or `{}` where a view has none. */
  readonly headers: Readonly<Record<string, unknown>>;
  /** Fingerprint of the caller's key, or `'anonymous'`. */
  readonly owner: string;
  readonly view: RequestView;
  /** Cancel the run once its last client has been gone for the grace period. */
  readonly cancelOnDisconnect: boolean;
  readonly webhookUrl?: string;
  /** Nothing is written before the run's answer: see {@link Submission.startInThisTurn}. */
  readonly startInThisTurn?: boolean;
}

/**
 * Refuses a run of an app whose setup failed (503 `app_unavailable`).
 *
 * @example
 * checkAvailable(context, route);
 */
export function checkAvailable(
  context: GatewayContext,
  route: Pick<ResolvedRunRoute, 'app'>,
): void {
  const status = context.runtime.status(route.app.id);
  if (status.state === 'failed')
    throw new SluiceError('app_unavailable', 'The app failed to start');
}

/** A start checked and validated, ready for the dispatcher: see {@link prepareRun}. */
export type PreparedRun = Submission;

/**
 * The checks of {@link submitRun} without the dispatch: the app is up, the headers' queue
 * options are valid, the input matches the endpoint's schema. The realtime view prepares
 * each input as it arrives and dispatches it once the connection has room.
 *
 * @example
 * const prepared = await prepareRun(context, start);
 * const { record } = await context.dispatcher.submit(prepared);
 */
export async function prepareRun(context: GatewayContext, start: RunStart): Promise<PreparedRun> {
  const { route } = start;
  checkAvailable(context, route);
  const options = parseQueueOptions(start.headers);
  // No body at all runs with the input's defaults; a JSON `null` body is validated as sent.
  const sent: unknown = start.sent === undefined ? {} : start.sent;
  const input = await parseInput(route.endpoint.input, sent);
  // Every field named: one shape for every submission, which V8 then copies fast.
  return {
    app: route.app,
    endpoint: route.endpoint,
    input,
    sentInput: sent,
    owner: start.owner,
    cancelOnDisconnect: start.cancelOnDisconnect,
    view: start.view,
    priority: options.priority,
    startTimeoutSeconds: options.startTimeoutSeconds,
    runTimeoutSeconds: options.runTimeoutSeconds,
    bypassCache: options.bypassCache,
    trace: options.trace,
    webhookUrl: start.webhookUrl,
    startInThisTurn: start.startInThisTurn === true,
  };
}

/**
 * The one way every view starts a request: {@link prepareRun}, then the dispatcher's
 * `submit`, so limits, priorities, ownership, metrics, cancellation, retention and every
 * backend apply alike to the JSON call, the stream, the queue and the realtime view.
 *
 * @example
 * const { record } = await submitRun(context, {
 *   route, sent: request.body, headers: request.headers, owner: request.owner,
 *   view: 'stream', cancelOnDisconnect: true,
 * });
 */
export async function submitRun(context: GatewayContext, start: RunStart): Promise<Submitted> {
  return context.dispatcher.submit(await prepareRun(context, start));
}

import { isSluiceError } from '../errors/sluice-error.js';
import { cancelledError, networkError } from './client-error.js';
import { appPath, type Settings } from './client-settings.js';
import type { QueueStatus, QueueSubmitted, StatusOptions, SubmitOptions } from './queue-types.js';
import { errorFromResponse } from './response-error.js';
import { readSseMessages } from './sse-reader.js';

/** One queued request: its app and id. */
export interface QueuedTarget {
  readonly appId: string;
  readonly requestId: string;
}

function requestUrl(settings: Settings, target: QueuedTarget): string {
  return `${settings.baseUrl}/queue/${appPath(target.appId)}/requests/${encodeURIComponent(target.requestId)}`;
}

function submitHeaders(options: SubmitOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.priority !== undefined) headers['x-sluice-priority'] = String(options.priority);
  if (options.startTimeoutSeconds !== undefined)
    headers['x-fal-request-timeout'] = String(options.startTimeoutSeconds);
  if (options.runTimeoutSeconds !== undefined)
    headers['x-sluice-run-timeout'] = String(options.runTimeoutSeconds);
  return headers;
}

/** A fetch whose failures are `SluiceError`s: a non-2xx answer, a network error, an abort. */
async function fetchOk(
  settings: Settings,
  url: string,
  init: RequestInit & { readonly requestId?: string },
): Promise<Response> {
  let response: Response;
  try {
    response = await settings.fetch(url, init);
  } catch (cause) {
    throw init.signal?.aborted ? cancelledError(init.requestId) : networkError(cause);
  }
  if (!response.ok) throw await errorFromResponse(response, init.requestId);
  return response;
}

async function jsonOf<Body>(response: Response, signal: AbortSignal | null | undefined) {
  try {
    return (await response.json()) as Body;
  } catch (cause) {
    if (isSluiceError(cause)) throw cause;
    throw signal?.aborted ? cancelledError(undefined) : networkError(cause);
  }
}

/**
 * `POST /queue/{app}{path}`: enqueues a request, resolving with its id and queue position.
 *
 * @example
 * const { request_id } = await submitToQueue(settings, 'demo/text', { prompt: 'hi' }, {});
 */
export async function submitToQueue(
  settings: Settings,
  target: { readonly appId: string; readonly input: unknown },
  options: SubmitOptions,
): Promise<QueueSubmitted> {
  const query = options.webhookUrl ? `?webhook=${encodeURIComponent(options.webhookUrl)}` : '';
  const url = `${settings.baseUrl}/queue/${appPath(target.appId)}${options.path ?? ''}${query}`;
  const response = await fetchOk(settings, url, {
    method: 'POST',
    headers: { ...settings.headers, ...submitHeaders(options), 'content-type': 'application/json' },
    body: JSON.stringify(target.input ?? {}),
    signal: options.signal,
  });
  return jsonOf<QueueSubmitted>(response, options.signal);
}

/**
 * `GET /queue/{app}/requests/{id}/status`: where a request stands now.
 *
 * @example
 * const status = await queueStatus(settings, { appId, requestId }, { logs: true });
 */
export async function queueStatus(
  settings: Settings,
  target: QueuedTarget,
  options: StatusOptions,
): Promise<QueueStatus> {
  const logs = options.logs ? '?logs=1' : '';
  const response = await fetchOk(settings, `${requestUrl(settings, target)}/status${logs}`, {
    headers: { ...settings.headers, accept: 'application/json' },
    signal: options.signal,
    requestId: target.requestId,
  });
  return jsonOf<QueueStatus>(response, options.signal);
}

/**
 * `GET /queue/{app}/requests/{id}/status/stream`: each status as it changes, ending after
 * `COMPLETED` (or when the connection ends first: the caller may ask again).
 *
 * @example
 * for await (const status of queueStatusStream(settings, target, {})) console.log(status.status);
 */
export async function* queueStatusStream(
  settings: Settings,
  target: QueuedTarget,
  options: StatusOptions,
): AsyncGenerator<QueueStatus, void, undefined> {
  const logs = options.logs ? '?logs=1' : '';
  const response = await fetchOk(settings, `${requestUrl(settings, target)}/status/stream${logs}`, {
    headers: { ...settings.headers, accept: 'text/event-stream' },
    signal: options.signal,
    requestId: target.requestId,
  });
  if (!response.body) return;
  try {
    for await (const message of readSseMessages(response.body)) {
      const status = JSON.parse(message.data) as QueueStatus;
      yield status;
      if (status.status === 'COMPLETED') return;
    }
  } catch (cause) {
    if (isSluiceError(cause)) throw cause;
    throw options.signal?.aborted ? cancelledError(target.requestId) : networkError(cause);
  }
}

/**
 * `GET /queue/{app}/requests/{id}`: the output once the request has ended (the gateway
 * waits while it runs), or its error as a `SluiceError`.
 *
 * @example
 * const output = await queueResult(settings, { appId, requestId }, signal);
 */
export async function queueResult(
  settings: Settings,
  target: QueuedTarget,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await fetchOk(settings, requestUrl(settings, target), {
    headers: { ...settings.headers, accept: 'application/json' },
    signal,
    requestId: target.requestId,
  });
  return jsonOf<unknown>(response, signal);
}

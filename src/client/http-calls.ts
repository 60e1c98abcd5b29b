import { isSluiceError } from '../errors/sluice-error.js';
import { cancelledError, networkError } from './client-error.js';
import { appPath, type Settings } from './client-settings.js';
import { errorFromResponse } from './response-error.js';
import type { ResumePosition } from './stream-driver.js';

/** One call: where it goes, and what it sends. */
export interface CallTarget {
  readonly appId: string;
  /** An endpoint's sub-path, `''` for the default one. */
  readonly path?: string;
  readonly input?: unknown;
}

function runUrl(settings: Settings, target: CallTarget): string {
  return `${settings.baseUrl}/${appPath(target.appId)}${target.path ?? ''}`;
}

/** sluice's own frames (`id`, `event`, `data`), whatever dialect the endpoint defaults to. */
const SLUICE_FRAMES = 'text/event-stream; dialect=sluice';

/**
 * The POST that starts a stream, as a function of the connection's signal.
 *
 * @example
 * const response = await postStream(settings, { appId: 'demo/text', input })(signal);
 */
export function postStream(settings: Settings, target: CallTarget) {
  return (signal: AbortSignal): Promise<Response> =>
    settings.fetch(`${runUrl(settings, target)}/stream`, {
      method: 'POST',
      headers: {
        ...settings.headers,
        'content-type': 'application/json',
        accept: SLUICE_FRAMES,
      },
      body: JSON.stringify(target.input ?? {}),
      signal,
    });
}

/**
 * The GET of an app's attach route, resuming after `lastEventId` (`Last-Event-ID`).
 *
 * @example
 * const response = await attachRequest(settings, 'demo/text')({ requestId, lastEventId: 3 }, signal);
 */
export function attachRequest(settings: Settings, appId: string) {
  return ({ requestId, lastEventId }: ResumePosition, signal: AbortSignal): Promise<Response> =>
    settings.fetch(
      `${settings.baseUrl}/${appPath(appId)}/requests/${encodeURIComponent(requestId)}/stream`,
      {
        headers: {
          ...settings.headers,
          accept: SLUICE_FRAMES,
          ...(lastEventId > 0 ? { 'last-event-id': String(lastEventId) } : {}),
        },
        signal,
      },
    );
}

/**
 * A JSON call: POST the input, resolve with the output, reject with a `SluiceError`.
 *
 * @example
 * const output = await runRequest(settings, { appId: 'demo/text', input }, signal);
 */
export async function runRequest(
  settings: Settings,
  target: CallTarget,
  signal: AbortSignal = new AbortController().signal,
): Promise<unknown> {
  try {
    const response = await settings.fetch(runUrl(settings, target), {
      method: 'POST',
      headers: {
        ...settings.headers,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(target.input ?? {}),
      signal,
    });
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as unknown;
  } catch (thrown) {
    if (isSluiceError(thrown)) throw thrown;
    throw signal.aborted ? cancelledError(undefined) : networkError(thrown);
  }
}

/**
 * `PUT /queue/{app}/requests/{id}/cancel`: cancels a run on the server. A request that already
 * ended (fal's `400 {"status":"ALREADY_COMPLETED"}`) is not an error.
 *
 * @example
 * await cancelRequest(settings, { appId: 'demo/text', requestId });
 */
export async function cancelRequest(
  settings: Settings,
  request: { readonly appId: string; readonly requestId: string; readonly signal?: AbortSignal },
): Promise<void> {
  const url = `${settings.baseUrl}/queue/${appPath(request.appId)}/requests/${encodeURIComponent(request.requestId)}/cancel`;
  let response: Response;
  try {
    response = await settings.fetch(url, {
      method: 'PUT',
      headers: settings.headers,
      signal: request.signal,
    });
  } catch (cause) {
    throw request.signal?.aborted ? cancelledError(undefined) : networkError(cause);
  }
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  if (response.status === 400 && (await alreadyCompleted(response.clone()))) return;
  throw await errorFromResponse(response, request.requestId);
}

async function alreadyCompleted(response: Response): Promise<boolean> {
  const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
  return body?.status === 'ALREADY_COMPLETED';
}

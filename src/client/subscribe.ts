import { isSluiceError, type SluiceError } from '../errors/sluice-error.js';
import { backoffDelay, sleep } from './backoff.js';
import { cancelledError } from './client-error.js';
import type { Settings } from './client-settings.js';
import { cancelRequest } from './http-calls.js';
import { queueResult, queueStatusStream, submitToQueue, type QueuedTarget } from './queue-calls.js';
import type { SubscribeOptions } from './queue-types.js';

/** Whether a dropped status stream may be opened again: only a transient failure. */
function mayRetry(error: SluiceError): boolean {
  return error.retryable;
}

/**
 * Follows a request's statuses until `COMPLETED`, reopening the status stream (with the
 * client's backoff) when the connection drops before then.
 */
async function followStatuses(
  settings: Settings,
  target: QueuedTarget,
  options: SubscribeOptions,
): Promise<void> {
  const signal = options.signal ?? new AbortController().signal;
  for (let attempt = 0; ; attempt++) {
    try {
      for await (const status of queueStatusStream(settings, target, { ...options, signal })) {
        options.onQueueUpdate?.(status);
        if (status.status === 'COMPLETED') return;
      }
    } catch (thrown) {
      if (!isSluiceError(thrown) || !mayRetry(thrown) || signal.aborted) throw thrown;
    }
    if (attempt >= settings.policy.attempts || signal.aborted) return;
    await sleep(backoffDelay(settings.policy, attempt + 1), signal);
  }
}

/**
 * Submits to the queue, reports each status while the request waits and runs, and resolves
 * with its output (or rejects with its error). An abort through `signal` cancels the
 * request on the server and rejects with `cancelled`.
 *
 * @example
 * const output = await subscribeToQueue(settings, { appId: 'demo/text', input }, {
 *   onQueueUpdate: (status) => console.log(status.status),
 * });
 */
export async function subscribeToQueue(
  settings: Settings,
  call: { readonly appId: string; readonly input: unknown },
  options: SubscribeOptions,
): Promise<unknown> {
  const submitted = await submitToQueue(settings, call, options);
  const target = { appId: call.appId, requestId: submitted.request_id };
  options.onEnqueue?.(submitted.request_id);
  const { signal } = options;
  const cancel = () => void cancelRequest(settings, target).catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    await followStatuses(settings, target, options);
    if (signal?.aborted) throw cancelledError(target.requestId);
    return await queueResult(settings, target, signal);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

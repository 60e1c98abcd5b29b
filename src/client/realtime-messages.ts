import { isErrorCode } from '../errors/error-codes.js';
import { SluiceError, type FieldError } from '../errors/sluice-error.js';
import type { StreamEvent } from './client-types.js';
import type { RealtimeOptions } from './realtime-types.js';

type Message = Record<string, unknown>;

function requestIdOf(message: Message): string | null {
  return typeof message.request_id === 'string' ? message.request_id : null;
}

function errorOf(message: Message): SluiceError {
  const code = isErrorCode(message.error) ? message.error : 'internal';
  const reason = typeof message.reason === 'string' ? message.reason : 'The request failed';
  const fields = Array.isArray(message.detail) ? (message.detail as FieldError[]) : undefined;
  return new SluiceError(code, reason, { fields });
}

function controlMessage(message: Message, options: RealtimeOptions): void {
  const info = { requestId: requestIdOf(message) };
  if (typeof message.dropped === 'number') return options.onDropped?.(message.dropped, info);
  if (typeof message.event === 'string' && typeof message.seq === 'number') {
    const event = { type: message.event, id: message.seq, data: message.data } as StreamEvent;
    options.onEvent?.(event, info);
  }
}

/**
 * Hands one decoded realtime message to the caller's callbacks: `x-fal-error` to
 * `onError`, `x-fal-message` to `onEvent` or `onDropped`, anything else to `onResult`
 * (the output's fields without `request_id`). Returns whether it answered an input.
 *
 * @example
 * const answered = dispatchMessage(JSON.parse(text), options);
 */
export function dispatchMessage(message: Message, options: RealtimeOptions): boolean {
  const requestId = requestIdOf(message);
  if (message.type === 'x-fal-error') {
    options.onError?.(errorOf(message), { requestId });
    return true;
  }
  if (message.type === 'x-fal-message') {
    controlMessage(message, options);
    return false;
  }
  const { request_id: _id, ...output } = message;
  options.onResult(output, { requestId: requestId ?? '' });
  return true;
}

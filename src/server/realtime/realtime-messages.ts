import type { LoggedEvent } from '../../events/event-types.js';
import type { SluiceError } from '../../errors/sluice-error.js';

/** The `type` of fal's control frames: anything else a client reads is a result. */
export const FAL_MESSAGE = 'x-fal-message';
export const FAL_ERROR = 'x-fal-error';

/** A message out, before it is encoded. Every one names the request it belongs to. */
export type RealtimeMessage = Readonly<Record<string, unknown>> & {
  readonly request_id: string | null;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A request's result: the output's own fields plus `request_id` (what fal's client hands
 * to `onResult`), or `{request_id, output}` when the output is not an object.
 *
 * @example
 * resultMessage(id, { text: 'hi' }); // { text: 'hi', request_id: id }
 */
export function resultMessage(requestId: string, output: unknown): RealtimeMessage {
  // Not `{ ...output, request_id }`: a literal that starts with a spread and adds a property
  // gets a hidden class of its own in this V8, paid again by the encoder for every message.
  if (isPlainObject(output)) return Object.assign({}, output, { request_id: requestId });
  return { request_id: requestId, output };
}

/**
 * An `x-fal-error` frame: `error` is the code, `reason` the message. `request_id` is `null`
 * for an input that never became a request (it could not be decoded or validated).
 *
 * @example
 * errorMessage(new SluiceError('invalid_input', 'prompt: Required'), null);
 */
export function errorMessage(error: SluiceError, requestId: string | null): RealtimeMessage {
  return {
    type: FAL_ERROR,
    request_id: requestId,
    error: error.code,
    reason: error.message,
    retryable: error.retryable,
    ...(error.fields ? { detail: error.fields } : {}),
  };
}

/**
 * A stream event of a request (progress, preview, output, log), for a client that asked
 * for them: an `x-fal-message` frame, which fal's client skips. `data` is the event's
 * payload as the frame's encoding carries it (see `payloadOf`).
 *
 * @example
 * eventMessage(id, { seq: 2, type: 'progress', json: '{"step":1,"total":4}' }, { step: 1, total: 4 });
 */
export function eventMessage(
  requestId: string,
  event: Pick<LoggedEvent, 'type' | 'seq'>,
  data: unknown,
): RealtimeMessage {
  return { type: FAL_MESSAGE, request_id: requestId, event: event.type, seq: event.seq, data };
}

/**
 * How many inputs were dropped, unrun, because newer ones arrived while the connection was
 * busy; `request_id` is the request of the input that replaced them.
 *
 * @example
 * droppedMessage(id, 3); // { type: 'x-fal-message', request_id: id, dropped: 3 }
 */
export function droppedMessage(requestId: string, dropped: number): RealtimeMessage {
  return { type: FAL_MESSAGE, request_id: requestId, dropped };
}

import type { RequestLookup } from '../../events/event-log.js';
import { SluiceError } from '../../errors/sluice-error.js';
import { errorMessage } from './realtime-messages.js';

/** The `type` of the frame that reattaches a connection to a request it started earlier. */
export const SLUICE_ATTACH = 'x-sluice-attach';

/** Request ids are `randomUUID()`s: anything else is no request, before any lookup. */
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The request id a message in asks to reattach to, when it is an `x-sluice-attach` frame
 * (`''` when it names none); `undefined` for an input.
 *
 * @example
 * attachTargetOf({ type: 'x-sluice-attach', request_id: id }); // id
 * attachTargetOf({ x: 1 }); // undefined: an input
 */
export function attachTargetOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, request_id: requestId } = message as { type?: unknown; request_id?: unknown };
  if (type !== SLUICE_ATTACH) return undefined;
  return typeof requestId === 'string' ? requestId : '';
}

/** Who reattaches, and to which app's endpoint. */
export interface Reattacher {
  readonly owner: string;
  readonly appId: string;
}

/**
 * Checks a reattach as the attach route does: `request_not_found` for an id not in the
 * server's format, an unknown one, another key's or another app's request;
 * `request_expired` once its retention has passed (told only to its owner).
 *
 * @example
 * checkReattach(id, await eventLog.lookup(id), { owner, appId: 'demo/sketch' });
 */
export function checkReattach(requestId: string, lookup: RequestLookup, who: Reattacher): void {
  const visible =
    REQUEST_ID.test(requestId) &&
    lookup.state !== 'unknown' &&
    lookup.record.owner === who.owner &&
    lookup.record.appId === who.appId;
  if (!visible) throw new SluiceError('request_not_found', 'No such request');
  if (lookup.state === 'expired')
    throw new SluiceError('request_expired', 'The request has expired');
}

/**
 * The frame that tells a client which request its input became, when it asked for it
 * (`acks=1`): `accepted` is the input's number on this connection, counting from 1 every
 * message in that was not an `x-sluice-attach` frame.
 *
 * @example
 * acceptedMessage(id, 3); // { type: 'x-fal-message', request_id: id, accepted: 3 }
 */
export function acceptedMessage(requestId: string, ordinal: number) {
  return { type: 'x-fal-message', request_id: requestId, accepted: ordinal } as const;
}

/**
 * The `x-fal-error` frame of an input refused before it became a request (its schema, a
 * full queue), for a client that asked for acknowledgements: `refused` is the input's
 * number, as `accepted` would have been, so the client knows which input it answers.
 *
 * @example
 * refusedMessage(new SluiceError('invalid_input', 'x: Required'), 3);
 * // { type: 'x-fal-error', request_id: null, error: 'invalid_input', …, refused: 3 }
 */
export function refusedMessage(error: SluiceError, ordinal: number) {
  return { ...errorMessage(error, null), refused: ordinal };
}

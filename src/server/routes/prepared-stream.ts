import type { FastifyReply } from 'fastify';
import type { EventLog } from '../../events/event-log.js';
import type { LoggedEvent } from '../../events/event-types.js';
import type { GatewayContext } from '../gateway-context.js';
import { sendTerminal } from './terminal-reply.js';

/** The first event of a request's log, once there is one; `undefined` if it expired or `signal` aborted. */
async function firstEvent(
  log: EventLog,
  requestId: string,
  signal: AbortSignal,
): Promise<LoggedEvent | undefined> {
  while (!signal.aborted) {
    const lookup = await log.lookup(requestId);
    if (lookup.state !== 'live' && lookup.state !== 'ended') return undefined;
    if (lookup.lastSeq > 0) return (await log.read(requestId, 0, 1))?.events[0];
    await log.waitForEvents(requestId, 0, signal);
  }
  return undefined;
}

/**
 * For an endpoint with a `prepare` step, the stream view holds its first byte until the
 * step is over (its run writes an event once it is): a failed prepare then answers with
 * its HTTP status, as a JSON error, instead of an event stream. `true` when it answered.
 *
 * @example
 * if (await answeredBeforeStream(context, reply, requestId)) return reply;
 */
export async function answeredBeforeStream(
  context: GatewayContext,
  reply: FastifyReply,
  requestId: string,
): Promise<boolean> {
  const left = new AbortController();
  const onClose = () => left.abort();
  reply.raw.once('close', onClose);
  const detach = context.dispatcher.attach(requestId);
  try {
    const first = await firstEvent(context.eventLog, requestId, left.signal);
    if (first?.type !== 'error') return false;
    await sendTerminal(context, reply, { requestId, terminal: first });
    return true;
  } finally {
    reply.raw.off('close', onClose);
    detach();
  }
}

import type { FastifyReply } from 'fastify';
import { readFirstEvent } from '../../events/read-terminal.js';
import type { GatewayContext } from '../gateway-context.js';
import { sendTerminal } from './terminal-reply.js';
import { ClientLeftSignal } from '../client-left-signal.js';

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
  const left = new ClientLeftSignal(reply.raw);
  const detach = context.dispatcher.attach(requestId);
  try {
    const first = await readFirstEvent(context.eventLog, requestId, left);
    if (first?.type !== 'error') return false;
    await sendTerminal(context, reply, { requestId, terminal: first });
    return true;
  } finally {
    left.stopWatching();
    detach();
  }
}

import type { FastifyReply } from 'fastify';
import { errorFromEvent } from '../../dispatch/terminal-outcome.js';
import type { LoggedEvent } from '../../events/event-types.js';
import { sendError } from '../error-reply.js';
import type { GatewayContext } from '../gateway-context.js';

/**
 * Answers a request's terminal event over HTTP: the output as JSON, or the error's status
 * with `{detail, error_type, code}` and an `X-Fal-Error-Type` header (plus
 * `x-fal-request-timeout-type: user` when it did not start within its start timeout). In
 * dev mode the body also carries `debug`: the app's own message, stack and causes.
 *
 * @example
 * return await sendTerminal(context, reply, { requestId, terminal });
 */
export async function sendTerminal(
  context: GatewayContext,
  reply: FastifyReply,
  { requestId, terminal }: { requestId: string; terminal: LoggedEvent },
): Promise<FastifyReply> {
  reply.header('x-request-id', requestId).header('x-fal-request-id', requestId);
  if (terminal.type !== 'error')
    return reply.code(200).type('application/json').send(terminal.json);
  const error = errorFromEvent(terminal);
  reply.header('x-fal-error-type', error.code);
  if ((await context.dispatcher.progress(requestId))?.startTimedOut)
    reply.header('x-fal-request-timeout-type', 'user');
  const debug = debugOf(terminal.json);
  if (debug === undefined) return sendError(reply, error, context.logger);
  return reply
    .code(error.status)
    .type('application/json')
    .send({ ...error.toJSON(), debug });
}

/** The app's own error a dev-mode server put in the event, if any. */
function debugOf(json: string): unknown {
  return (JSON.parse(json) as { debug?: unknown }).debug;
}

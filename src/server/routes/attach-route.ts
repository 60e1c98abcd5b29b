import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../../errors/sluice-error.js';
import { streamToClient } from '../event-stream-response.js';
import type { GatewayContext } from '../gateway-context.js';
import { chooseDialect } from '../stream-dialect.js';

/** The params of every route under `/{owner}/{name}/requests/{id}` (or `/{name}/requests/{id}`). */
export interface RequestParams {
  /** Absent for a one-segment app id. */
  owner?: string;
  name: string;
  requestId: string;
}

/**
 * The app id a request route names: `owner/name`, or `name` alone.
 *
 * @example
 * appIdOf({ name: 'flux', requestId }); // 'flux'
 */
export function appIdOf(params: RequestParams): string {
  return params.owner === undefined ? params.name : `${params.owner}/${params.name}`;
}

/**
 * A request route's pattern for both kinds of app id: `/{owner}/{name}{tail}` and `/{name}{tail}`.
 *
 * @example
 * requestPatterns('/requests/:requestId/stream'); // ['/:owner/:name/requests/…', '/:name/requests/…']
 */
export function requestPatterns(tail: string, prefix = ''): string[] {
  return [`${prefix}/:owner/:name${tail}`, `${prefix}/:name${tail}`];
}

const SEQ = /^\d{1,15}$/;
/** Request ids are `randomUUID()`s: anything else is no request, before any lookup. */
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The seq to resume after: the `Last-Event-ID` header, else `?last_event_id=`, else 0. */
export function resumePoint(header: unknown, query: unknown): number {
  const raw = typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
  if (raw === undefined || raw === '') return 0;
  if (!SEQ.test(raw.trim())) {
    throw new SluiceError('invalid_input', 'Last-Event-ID must be a non-negative integer', {
      fields: [
        {
          loc: ['header', 'last-event-id'],
          msg: 'must be a non-negative integer',
          type: 'int_parsing',
        },
      ],
    });
  }
  return Number(raw.trim());
}

/**
 * Looks a request up for its owner: `request_not_found` for an id not in the server's
 * format (never looked up), an unknown id, another key's request or another app's; `request_expired` (410) once its retention has passed.
 *
 * @example
 * const lookup = await findOwnedRequest(context, request);
 */
export async function findOwnedRequest(
  context: GatewayContext,
  request: FastifyRequest<{ Params: RequestParams }>,
) {
  const { requestId } = request.params;
  if (!REQUEST_ID.test(requestId)) throw new SluiceError('request_not_found', 'No such request');
  const lookup = await context.eventLog.lookup(requestId);
  // Only the owner learns that a request expired; to anyone else it is simply unknown.
  const visible =
    lookup.state !== 'unknown' &&
    lookup.record.owner === request.owner &&
    lookup.record.appId === appIdOf(request.params);
  if (!visible) throw new SluiceError('request_not_found', 'No such request');
  if (lookup.state === 'expired')
    throw new SluiceError('request_expired', 'The request has expired');
  return lookup;
}

/**
 * `GET /{owner}/{name}/requests/{id}/stream` (or `/{name}/…` for a one-segment app id): attach to a request's events, or resume after
 * `Last-Event-ID`. Another key's request is answered exactly as an unknown one.
 *
 * @example
 * registerAttachRoute(fastify, context);
 */
export function registerAttachRoute(fastify: FastifyInstance, context: GatewayContext): void {
  for (const pattern of requestPatterns('/requests/:requestId/stream'))
    fastify.get<{
      Params: RequestParams;
      Querystring: { last_event_id?: string; dialect?: string };
    }>(pattern, { config: { auth: true } }, async (request, reply: FastifyReply) => {
      const afterSeq = resumePoint(request.headers['last-event-id'], request.query.last_event_id);
      const lookup = await findOwnedRequest(context, request);
      // A browser's EventSource stops reconnecting on 204: nothing will follow.
      if (lookup.state === 'ended' && afterSeq >= lookup.lastSeq && afterSeq > 0)
        return reply.code(204).send();
      if (afterSeq > lookup.lastSeq) {
        throw new SluiceError(
          'invalid_input',
          'Last-Event-ID is beyond the last event of this request',
          {
            fields: [
              {
                loc: ['header', 'last-event-id'],
                msg: 'is beyond the last event',
                type: 'out_of_range',
              },
            ],
          },
        );
      }
      const endpoint = context.routes
        .get(lookup.record.appId)
        ?.endpoints.get(lookup.record.endpoint);
      const dialect = chooseDialect(endpoint?.dialect ?? 'sluice', {
        query: request.query,
        accept: request.headers.accept,
      });
      reply.hijack();
      const requestId = request.params.requestId;
      void streamToClient(context, reply.raw, { requestId, afterSeq, dialect });
    });
}

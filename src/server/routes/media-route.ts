import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { binaryOfJson, type DecodedBinary } from '../../events/binary-payload.js';
import type { EventBatch } from '../../events/event-log.js';
import { nextBatch } from '../../events/read-cursor.js';
import type { WaitSignal } from '../../events/wait-signal.js';
import { ClientLeftSignal } from '../client-left-signal.js';
import { SluiceError } from '../../errors/sluice-error.js';
import { drained } from '../drained.js';
import { flattenHead } from '../flat-head.js';
import type { GatewayContext } from '../gateway-context.js';
import { parseByteRange, unsatisfiable, type ByteRange } from '../media-range.js';
import type { RealtimeTokens } from '../realtime/realtime-tokens.js';
import { ownerOfCaller, TOKEN_PARAMETERS } from '../realtime/token-owner.js';
import { appIdOf, findOwnedRequest, requestPatterns, type RequestParams } from './attach-route.js';

type MediaQuery = Partial<Record<(typeof TOKEN_PARAMETERS)[number], string>>;

/**
 * The caller's owner: the API key in the header, else a token from `POST /tokens/` in the
 * query (an `<audio>` element sends no headers), which must cover the request's app.
 */
function callerOf(
  context: GatewayContext,
  tokens: RealtimeTokens,
  request: FastifyRequest<{ Params: RequestParams; Querystring: MediaQuery }>,
): string {
  const query = request.query;
  const token = TOKEN_PARAMETERS.map((name) => query[name]).find((value) => value !== undefined);
  return ownerOfCaller(context.keys, tokens, {
    authorization: request.headers.authorization,
    token: typeof token === 'string' ? token : undefined,
    appId: appIdOf(request.params),
  });
}

function binariesOf(batch: EventBatch): DecodedBinary[] {
  const found: DecodedBinary[] = [];
  for (const event of batch.events) {
    const binary = event.type === 'output' ? binaryOfJson(event.json) : undefined;
    if (binary) found.push(binary);
  }
  return found;
}

/** Reads the log from `afterSeq` until binary outputs turn up or the log ends. */
async function firstBinaries(
  context: GatewayContext,
  requestId: string,
  signal: WaitSignal,
): Promise<{ found: DecodedBinary[]; batch: EventBatch } | undefined> {
  let afterSeq = 0;
  for (;;) {
    const caughtUp = afterSeq > 0;
    const batch = await nextBatch(context.eventLog, requestId, { afterSeq, signal, caughtUp });
    if (!batch) return undefined;
    const found = binariesOf(batch);
    if (found.length > 0 || batch.ended) return { found, batch };
    afterSeq = batch.lastSeq;
  }
}

function noMedia(): SluiceError {
  return new SluiceError('not_found', 'The request has no binary outputs');
}

async function writeAll(
  response: ServerResponse,
  chunks: readonly DecodedBinary[],
  signal: WaitSignal,
): Promise<void> {
  for (const chunk of chunks) {
    if (signal.aborted) return;
    if (!response.write(chunk.bytes)) await drained(response, signal);
  }
}

interface LiveMedia {
  readonly requestId: string;
  readonly first: { found: DecodedBinary[]; batch: EventBatch };
  readonly signal: WaitSignal;
}

/** Streams the bytes as they are produced, until the log ends or the client leaves. */
async function streamLive(context: GatewayContext, response: ServerResponse, live: LiveMedia) {
  let batch = live.first.batch;
  await writeAll(response, live.first.found, live.signal);
  while (!batch.ended && !live.signal.aborted) {
    const next = await nextBatch(context.eventLog, live.requestId, {
      afterSeq: batch.lastSeq,
      signal: live.signal,
    });
    if (!next) break;
    batch = next;
    await writeAll(response, binariesOf(batch), live.signal);
  }
}

/** The whole of a finished request's bytes, or the part a `Range` asks for (206). */
function answerFinished(
  reply: FastifyReply,
  media: { bytes: Buffer; contentType: string; range: ByteRange | undefined },
): FastifyReply {
  const { bytes, contentType, range } = media;
  void reply.header('content-type', contentType).header('accept-ranges', 'bytes');
  if (!range) return reply.send(bytes);
  const end = Math.min(range.end ?? bytes.length - 1, bytes.length - 1);
  if (range.start >= bytes.length) {
    void reply.header('content-range', `bytes */${bytes.length}`);
    throw unsatisfiable();
  }
  void reply.header('content-range', `bytes ${range.start}-${end}/${bytes.length}`);
  return reply.code(206).send(bytes.subarray(range.start, end + 1));
}

async function readAll(context: GatewayContext, requestId: string, signal: WaitSignal) {
  const chunks: DecodedBinary[] = [];
  let afterSeq = 0;
  for (;;) {
    const batch = await nextBatch(context.eventLog, requestId, { afterSeq, signal });
    if (!batch) return chunks;
    chunks.push(...binariesOf(batch));
    if (batch.ended) return chunks;
    afterSeq = batch.lastSeq;
  }
}

/**
 * `GET /{owner}/{name}/requests/{id}/media`: the request's binary outputs (those emitted as
 * bytes), concatenated, with the first one's content type. While the run goes on they are
 * streamed as plain chunked HTTP as they are produced, so an `<audio>` or `<video>` element
 * plays them at once; a finished request's bytes answer `Range: bytes=N-` with 206. With API
 * keys, the key comes in the `Authorization` header or, for a media element that sends no
 * headers, as a token from `POST /tokens/` in `?fal_jwt_token=` or `?token=`.
 *
 * @example
 * registerMediaRoute(fastify, context, tokens);
 */
export function registerMediaRoute(
  fastify: FastifyInstance,
  context: GatewayContext,
  tokens: RealtimeTokens,
): void {
  for (const pattern of requestPatterns('/requests/:requestId/media'))
    fastify.get<{ Params: RequestParams; Querystring: MediaQuery }>(
      pattern,
      async (request, reply) => {
        // Not `auth: true`: the hook reads only the header, and a token may stand for it.
        request.owner = callerOf(context, tokens, request);
        const range = parseByteRange(request.headers.range);
        const lookup = await findOwnedRequest(context, request);
        const { requestId } = request.params;
        const signal = new ClientLeftSignal(reply.raw);
        void reply.header('x-request-id', requestId).header('cache-control', 'no-cache');
        if (lookup.state === 'ended') {
          const chunks = await readAll(context, requestId, signal);
          const [first] = chunks;
          if (!first) throw noMedia();
          const bytes = Buffer.concat(chunks.map((chunk) => chunk.bytes));
          return answerFinished(reply, { bytes, contentType: first.contentType, range });
        }
        const detach = context.dispatcher.attach(requestId);
        try {
          const first = await firstBinaries(context, requestId, signal);
          const contentType = first?.found[0]?.contentType;
          if (!first || !contentType) throw noMedia();
          reply.hijack();
          const headers = { ...reply.getHeaders(), 'content-type': contentType };
          reply.raw.writeHead(200, headers as OutgoingHttpHeaders);
          flattenHead(reply.raw);
          try {
            await streamLive(context, reply.raw, { requestId, first, signal });
          } catch (thrown) {
            context.logger.error({ requestId, err: thrown }, 'media stream failed');
          } finally {
            reply.raw.end();
          }
        } finally {
          detach();
        }
      },
    );
}

import type { ServerResponse } from 'node:http';
import { toAsciiJson } from '../events/ascii-json.js';
import { nextBatch } from '../events/read-cursor.js';
import type { LoggedEvent } from '../events/event-types.js';
import { groupForWrites } from '../events/sse.js';
import {
  encodeDialectFrame,
  encodeDialectFrames,
  encodeStreamFailure,
} from '../events/dialects/dialect-frames.js';
import type { WireDialect } from '../events/dialects/wire-dialect.js';
import { toSluiceError } from '../errors/sluice-error.js';
import type { GatewayContext } from './gateway-context.js';
import { SseResponse } from './sse-response.js';

/** Frames this large are written from a Buffer, not a string: V8 then copies no large string per client. */
const LARGE_FRAME = 16 * 1024;

/** One group of frames as the bytes of one write. */
function encodeGroup(dialect: WireDialect, group: readonly LoggedEvent[]): string | Buffer {
  const [only] = group;
  const small = group.length > 1 || !only || only.json.length < LARGE_FRAME;
  // The typed dialect rewrites the payload, so it has no fixed head to put before it.
  if (small || dialect === 'typed') return encodeDialectFrames(dialect, group);
  const head = encodeDialectFrame(dialect, { ...only, json: '' }).slice(0, -2);
  const frame = Buffer.allocUnsafe(head.length + only.json.length + 2);
  let offset = frame.write(head, 0, 'latin1');
  offset += frame.write(only.json, offset, 'latin1');
  frame.write('\n\n', offset, 'latin1');
  return frame;
}

function errorFrame(dialect: WireDialect, thrown: unknown, requestId: string): string {
  const error = toSluiceError(thrown);
  const payload = {
    code: error.code,
    message: error.message,
    retryable: true,
    request_id: requestId,
  };
  return encodeStreamFailure(dialect, toAsciiJson(payload));
}

function countEvents(context: GatewayContext, sent: number, read: number): void {
  if (sent > 0) context.metrics.eventsSent.inc(sent);
  if (read > sent) context.metrics.eventsSkipped.inc(read - sent);
}

/** Where a client's stream starts. */
export interface StreamPosition {
  readonly requestId: string;
  /** 0 for the whole log, or the `Last-Event-ID` to resume after. */
  readonly afterSeq: number;
  /** How frames are rendered (default `sluice`): the same cursor in every dialect. */
  readonly dialect?: WireDialect;
  /**
   * The request was submitted by this very call, so its log holds nothing yet: the stream
   * waits for news before its first read (in Redis mode the append notice alone tells, so
   * a first event costs no read).
   */
  readonly fresh?: boolean;
}

/**
 * Streams a request's events to a client as SSE, from `afterSeq` to the terminal event, then
 * ends the response. While it is open the client counts as attached, so the run is cancelled
 * only once every client has left. It opens, beats, counts and ends through
 * {@link SseResponse}; each batch of frames is one corked write, which waits for `drain`
 * raced against `close` when the socket is full. If reading fails after the first byte,
 * an `error` event without an id ends the stream, so the client knows to resume. Never
 * rejects.
 *
 * @example
 * reply.hijack();
 * void streamToClient(context, reply.raw, { requestId, afterSeq: 0 });
 */
export async function streamToClient(
  context: GatewayContext,
  response: ServerResponse,
  { requestId, afterSeq, dialect = 'sluice', fresh = false }: StreamPosition,
): Promise<void> {
  const headers = { 'x-request-id': requestId, 'x-fal-request-id': requestId };
  const stream = SseResponse.open(context.streams, response, headers);
  if (!stream) return;
  const detach = context.dispatcher.attach(requestId);
  try {
    let position = afterSeq;
    for (;;) {
      const batch = await nextBatch(context.eventLog, requestId, {
        afterSeq: position,
        signal: stream.signal,
        caughtUp: fresh || position !== afterSeq,
      });
      if (!batch) break;
      countEvents(context, batch.events.length, batch.lastSeq - position);
      const full =
        batch.events.length > 0 &&
        stream.send(groupForWrites(batch.events).map((group) => encodeGroup(dialect, group)));
      if (full) await full; // only a full socket costs a turn of the event loop
      if (batch.ended) break;
      position = batch.lastSeq;
    }
  } catch (thrown) {
    context.logger.error({ requestId, err: thrown }, 'event stream failed');
    stream.end(errorFrame(dialect, thrown, requestId));
  } finally {
    stream.end();
    detach();
  }
}

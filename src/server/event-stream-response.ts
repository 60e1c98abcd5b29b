import type { ServerResponse } from 'node:http';
import { toAsciiJson } from '../events/ascii-json.js';
import { nextBatch } from '../events/read-cursor.js';
import type { LoggedEvent } from '../events/event-types.js';
import {
  SSE_HEADERS,
  encodeSseComment,
  encodeSseFrame,
  encodeSseFrames,
  groupForWrites,
} from '../events/sse.js';
import { toSluiceError } from '../errors/sluice-error.js';
import type { GatewayContext } from './gateway-context.js';

/** Resolves on `drain`, or when the response closes first: a dead socket never leaks a waiter. */
function drained(response: ServerResponse, closed: AbortSignal): Promise<void> {
  if (response.destroyed || closed.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      response.off('drain', finish);
      closed.removeEventListener('abort', finish);
      resolve();
    };
    response.on('drain', finish);
    closed.addEventListener('abort', finish, { once: true });
  });
}

/** Frames this large are written from a Buffer, not a string: V8 then copies no large string per client. */
const LARGE_FRAME = 16 * 1024;

/** One group of frames as the bytes of one write. */
function encodeGroup(group: readonly LoggedEvent[]): string | Buffer {
  const [only] = group;
  if (group.length > 1 || !only || only.json.length < LARGE_FRAME) return encodeSseFrames(group);
  const head = encodeSseFrame({ ...only, json: '' }).slice(0, -2);
  const frame = Buffer.allocUnsafe(head.length + only.json.length + 2);
  let offset = frame.write(head, 0, 'latin1');
  offset += frame.write(only.json, offset, 'latin1');
  frame.write('\n\n', offset, 'latin1');
  return frame;
}

/** Writes each group as one write, corked so they leave in one syscall; false when the socket is full. */
function writeAll(response: ServerResponse, groups: readonly (readonly LoggedEvent[])[]): boolean {
  if (groups.length === 1) return response.write(encodeGroup(groups[0]!));
  response.cork();
  let hasRoom = true;
  for (const group of groups) hasRoom = response.write(encodeGroup(group));
  response.uncork();
  return hasRoom;
}

function errorFrame(thrown: unknown, requestId: string): string {
  const error = toSluiceError(thrown);
  const payload = {
    code: error.code,
    message: error.message,
    retryable: true,
    request_id: requestId,
  };
  return `event: error\ndata: ${toAsciiJson(payload)}\n\n`;
}

function writeHead(response: ServerResponse, requestId: string): void {
  response.writeHead(200, {
    ...SSE_HEADERS,
    'x-request-id': requestId,
    'x-fal-request-id': requestId,
  });
  response.write(encodeSseComment('open'));
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
}

/**
 * Streams a request's events to a client as SSE, from `afterSeq` to the terminal event, then
 * ends the response. While it is open the client counts as attached, so the run is cancelled
 * only once every client has left. Each batch of frames is one corked write; when the socket
 * is full it waits for `drain` raced against `close`. If reading fails after the first byte,
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
  { requestId, afterSeq }: StreamPosition,
): Promise<void> {
  // The client may have left while the request was being validated or looked up: its
  // `close` has fired already and will not again.
  if (response.destroyed) return;
  const detach = context.dispatcher.attach(requestId);
  const closed = new AbortController();
  const onClose = () => closed.abort();
  response.once('close', onClose);
  writeHead(response, requestId);
  context.heartbeat.add(response);
  context.metrics.activeStreams.inc();
  try {
    let position = afterSeq;
    for (;;) {
      const batch = await nextBatch(context.eventLog, requestId, {
        afterSeq: position,
        signal: closed.signal,
      });
      if (!batch) break;
      countEvents(context, batch.events.length, batch.lastSeq - position);
      const hasRoom = batch.events.length === 0 || writeAll(response, groupForWrites(batch.events));
      if (!hasRoom) await drained(response, closed.signal);
      if (batch.ended) break;
      position = batch.lastSeq;
    }
  } catch (thrown) {
    context.logger.error({ requestId, err: thrown }, 'event stream failed');
    if (!response.destroyed) response.write(errorFrame(thrown, requestId));
  } finally {
    context.heartbeat.delete(response);
    context.metrics.activeStreams.dec();
    response.off('close', onClose);
    if (!response.destroyed) response.end();
    detach();
  }
}

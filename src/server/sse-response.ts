import type { ServerResponse } from 'node:http';
import { SSE_HEADERS, encodeSseComment } from '../events/sse.js';
import type { WaitSignal } from '../events/wait-signal.js';
import { ClientLeftSignal } from './client-left-signal.js';
import { drained } from './drained.js';
import { flattenHead } from './flat-head.js';
import type { SseStreams } from './sse-streams.js';

/** Bytes of one socket write. */
export type SseChunk = string | Buffer;

const OPEN = encodeSseComment('open');

/** Writes chunks, corked so they leave in one syscall; false when the socket is full. */
function writeAll(response: ServerResponse, chunks: readonly SseChunk[]): boolean {
  if (chunks.length === 1) return response.write(chunks[0]!);
  response.cork();
  let hasRoom = true;
  for (const chunk of chunks) hasRoom = response.write(chunk);
  response.uncork();
  return hasRoom;
}

function asList(chunks: SseChunk | readonly SseChunk[]): readonly SseChunk[] {
  return typeof chunks === 'string' || Buffer.isBuffer(chunks) ? [chunks] : chunks;
}

/**
 * One open event stream: the scaffold every SSE route of the gateway shares. Opening writes
 * the head (the fixed headers plus the route's own) and `: open`, and tracks the stream in
 * {@link SseStreams} (heartbeat, metrics gauge, the count `close()` waits on). `send` waits
 * for `drain` raced against the client leaving; `end` ends the response and untracks it,
 * once however often it is called.
 *
 * @example
 * const stream = SseResponse.open(context.streams, reply.raw, { 'x-fal-request-id': id });
 * if (!stream) return; // the client has left already
 * try {
 *   await stream.send('data: {}\n\n');
 * } finally {
 *   stream.end();
 * }
 */
export class SseResponse {
  // Not an AbortController: an idle stream holds this for as long as it is open (see
  // LightAbortSignal for what a Node AbortSignal costs).
  private readonly closed: ClientLeftSignal;
  private readonly release: () => void;
  private ended = false;

  private constructor(
    private readonly response: ServerResponse,
    { streams, headers }: { streams: SseStreams; headers: Readonly<Record<string, string>> },
  ) {
    this.closed = new ClientLeftSignal(response);
    response.writeHead(200, { ...SSE_HEADERS, ...headers });
    flattenHead(response);
    response.write(OPEN);
    this.release = streams.track(response);
  }

  /**
   * Opens the stream, or returns undefined when the client has left already (while its
   * request was validated or looked up: its `close` has fired and will not again).
   */
  static open(
    streams: SseStreams,
    response: ServerResponse,
    headers: Readonly<Record<string, string>>,
  ): SseResponse | undefined {
    if (response.destroyed) return undefined;
    return new SseResponse(response, { streams, headers });
  }

  /** Aborts when the client leaves: what the stream's waits on the event log listen to. */
  get signal(): WaitSignal {
    return this.closed;
  }

  /** Writes chunks in one corked write. `undefined` while the socket has room; when it is full, a promise that resolves on `drain` or on close. */
  send(chunks: SseChunk | readonly SseChunk[]): Promise<void> | undefined {
    if (this.ended || this.response.destroyed) return undefined;
    // No promise while the socket has room: the hot path stays synchronous.
    if (writeAll(this.response, asList(chunks))) return undefined;
    return drained(this.response, this.closed);
  }

  /** Ends the response (after `last`, if given, and if the client is still there) and untracks it. */
  end(last?: SseChunk): void {
    if (this.ended) return;
    this.ended = true;
    this.closed.stopWatching();
    if (!this.response.destroyed) this.response.end(last);
    this.release();
  }
}

import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors/sluice-error.js';
import { BodyWatch, type BodyTimeouts, type WatchedBody } from './body-watch.js';

const EXPIRED: Readonly<Record<'deadline' | 'rate', string>> = {
  deadline: 'The request body did not arrive within the request timeout',
  rate: 'The request body arrives slower than the minimum rate',
};

function hasBody(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return encoding !== undefined || (length !== undefined && length !== '0');
}

/**
 * The body as it reaches the parser, counted for the watch. It reads the request only when
 * the parser reads it, so no error fires before the parser listens; an expiry fails it at
 * once, without waiting for a byte that may never come.
 */
class GuardedBody extends Readable {
  private readonly onData = (chunk: Buffer) => this.accept(chunk);
  private readonly onEnd = () => this.push(null);
  private readonly onError = (error: Error) => this.destroy(error);

  constructor(
    private readonly payload: Readable,
    readonly body: WatchedBody,
  ) {
    super();
    payload.on('data', this.onData).once('end', this.onEnd).once('error', this.onError);
    payload.pause();
  }

  override _read(): void {
    this.payload.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The request stays: its socket still carries the answer, and the rest is discarded.
    this.payload.off('data', this.onData).off('end', this.onEnd).off('error', this.onError);
    callback(error);
  }

  private accept(chunk: Buffer): void {
    this.body.bytes += chunk.length;
    if (!this.push(chunk)) this.payload.pause();
  }
}

const guards = new WeakMap<IncomingMessage, GuardedBody>();

/**
 * Lets go of a request's body guard, so that the request can be read (and discarded) after
 * an answer given before its body was read.
 *
 * @example
 * releaseBodyGuard(request.raw);
 */
export function releaseBodyGuard(request: IncomingMessage): void {
  guards.get(request)?.destroy();
}

function guardBody(request: FastifyRequest, payload: Readable, watch: BodyWatch): Readable {
  const body: WatchedBody = {
    startedAt: Date.now(),
    bytes: 0,
    expire: (reason) => guarded.destroy(new SluiceError('request_timeout', EXPIRED[reason])),
  };
  const guarded = new GuardedBody(payload, body);
  // A route that drops the body (cancel) has no error listener: an expiry must not crash.
  guarded.on('error', () => {});
  guards.set(request.raw, guarded);
  const unwatch = watch.add(body);
  guarded.once('close', unwatch);
  request.raw.once('close', unwatch);
  return guarded;
}

/**
 * Whether the whole body has already been read off the socket, as it is when it came with
 * the headers: then there is nothing left to time.
 */
function hasArrived(request: FastifyRequest, payload: Readable): boolean {
  const length = Number(request.headers['content-length']);
  return payload === request.raw && payload.readableLength >= length;
}

/**
 * Guards every request body on its way to the parser: a body later than the request
 * timeout, or slower than the minimum rate, fails with 408 `request_timeout` (and the
 * connection closes once the client has the answer). A body that arrived with its headers
 * goes to the parser as it is. Returns a function that stops the watch's timer.
 *
 * @example
 * const stop = installBodyGuard(fastify, { requestTimeoutMs: 60_000, minBodyBytesPerSecond: 1024 });
 */
export function installBodyGuard(fastify: FastifyInstance, timeouts: BodyTimeouts): () => void {
  const watch = new BodyWatch(timeouts);
  // Decided a microtask later: by then the bytes that came in the headers' packet are read.
  fastify.addHook('preParsing', (request, _reply, payload) =>
    Promise.resolve().then(() =>
      hasBody(request) && !hasArrived(request, payload)
        ? guardBody(request, payload, watch)
        : payload,
    ),
  );
  return () => watch.stop();
}

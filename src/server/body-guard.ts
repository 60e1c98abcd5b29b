import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors/sluice-error.js';
import { BodyWatch, type BodyTimeouts, type WatchedBody } from './body-watch.js';
import { JsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

const EXPIRED: Readonly<Record<'deadline' | 'rate', string>> = {
  deadline: 'The request body did not arrive within the request timeout',
  rate: 'The request body arrives slower than the minimum rate',
};

function depthError(): SluiceError {
  const msg = `nests deeper than ${MAX_JSON_DEPTH} levels`;
  return new SluiceError('invalid_input', `The body ${msg}`, {
    fields: [{ loc: ['body'], msg, type: 'too_deep' }],
  });
}

function hasBody(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return encoding !== undefined || (length !== undefined && length !== '0');
}

function isJson(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().includes('json');
}

/**
 * The body as it reaches the parser: counted for the watch, its JSON nesting bounded. It
 * reads the request only when the parser reads it, so no error fires before the parser
 * listens; an expiry fails it at once, without waiting for a byte that may never come.
 */
class GuardedBody extends Readable {
  private readonly onData = (chunk: Buffer) => this.accept(chunk);
  private readonly onEnd = () => this.push(null);
  private readonly onError = (error: Error) => this.destroy(error);

  constructor(
    private readonly payload: Readable,
    readonly body: WatchedBody,
    private readonly depth: JsonDepth | undefined,
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
    this.depth?.feed(chunk);
    if (this.depth?.exceeded) this.destroy(depthError());
    else if (!this.push(chunk)) this.payload.pause();
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
  const guarded = new GuardedBody(payload, body, isJson(request) ? new JsonDepth() : undefined);
  // A route that drops the body (cancel) has no error listener: an expiry must not crash.
  guarded.on('error', () => {});
  guards.set(request.raw, guarded);
  const unwatch = watch.add(body);
  guarded.once('close', unwatch);
  request.raw.once('close', unwatch);
  return guarded;
}

/**
 * Guards every request body on its way to the parser: a body later than the request
 * timeout, or slower than the minimum rate, fails with 408 `request_timeout` (and the
 * connection closes once the client has the answer); JSON nested deeper than
 * {@link MAX_JSON_DEPTH} fails with 422 `invalid_input` before it is parsed. Returns a
 * function that stops the watch's timer.
 *
 * @example
 * const stop = installBodyGuard(fastify, { requestTimeoutMs: 60_000, minBodyBytesPerSecond: 1024 });
 */
export function installBodyGuard(fastify: FastifyInstance, timeouts: BodyTimeouts): () => void {
  const watch = new BodyWatch(timeouts);
  fastify.addHook('preParsing', (request, _reply, payload) =>
    Promise.resolve(hasBody(request) ? guardBody(request, payload, watch) : payload),
  );
  return () => watch.stop();
}

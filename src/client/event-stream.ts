import type { SluiceError } from '../errors/sluice-error.js';
import { cancelledError, clientError } from './client-error.js';
import type { StreamEvent } from './client-types.js';

/** Where a stream's source delivers what it reads. Calls after the stream settled are ignored. */
export interface StreamSink<Output> {
  /** The response head arrived: the request has an id. */
  readonly opened: (requestId: string) => void;
  readonly push: (event: StreamEvent<Output>) => void;
  readonly succeed: (output: Output) => void;
  /** The request failed; `announced` when an `error` event already told the iterator. */
  readonly fail: (error: SluiceError, announced?: boolean) => void;
  /**
   * A promise to wait on before reading more, while an iteration has a backlog of unread
   * events; undefined when there is room. The server then skips superseded progress and
   * previews for this slow reader instead of the client buffering them.
   */
  readonly room: () => Promise<void> | undefined;
}

/** What feeds a stream: reads until it settles the sink or `signal` aborts. */
export type StreamSource<Output> = (sink: StreamSink<Output>, signal: AbortSignal) => Promise<void>;

type Outcome<Output> =
  | { readonly ok: true; readonly output: Output }
  | { readonly ok: false; readonly error: SluiceError; readonly announced: boolean };

function deferred<Value>() {
  let resolve!: (value: Value) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<Value>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // The caller may never ask for it: a rejection nobody awaits must not be "unhandled".
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const ENDED: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Unread events past which a stream being iterated stops reading until the iteration catches up. */
const HIGH_WATER = 64;

/**
 * A request's events as they arrive: an `AsyncIterable` of typed events that ends on
 * `result`, on `error` and on abort, plus `done()`, `started()`, `requestId` and `abort()`.
 * It reads whether or not anyone iterates, buffering events until they are read, so any
 * way of consuming it (iterating, `done()`, both, neither) works and rejects nothing
 * unhandled. While an iteration lags 64 events behind, reading pauses, so the server skips
 * superseded progress and previews for it (latest wins). A failure that is not an `error` event (an HTTP error, a resume that gave up)
 * is thrown by the iteration once; an abort ends it quietly.
 *
 * @example
 * const stream = client.stream('demo/text', { prompt: 'hi' });
 * for await (const event of stream) if (event.type === 'output') console.log(event.data);
 * const output = await stream.done();
 */
export class EventStream<Output = unknown> implements AsyncIterable<StreamEvent<Output>> {
  #requestId: string | undefined;
  #outcome: Outcome<Output> | undefined;
  #iterated = false;
  #thrown = false;
  #wakers: (() => void)[] = []; // next() calls waiting for an event (several if called concurrently)
  #iterating = false;
  #roomWake: (() => void) | undefined;
  readonly #queue: StreamEvent<Output>[] = [];
  readonly #controller = new AbortController();
  readonly #done = deferred<Output>();
  readonly #started = deferred<string>();
  readonly #unlink: () => void;

  constructor(source: StreamSource<Output>, signal?: AbortSignal) {
    const onAbort = () => this.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#unlink = () => signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) this.abort();
    else void source(this.#sink(), this.#controller.signal).catch(this.#crash);
  }

  /** The request's id, once the response head arrived. */
  get requestId(): string | undefined {
    return this.#requestId;
  }

  /** Resolves with the request's id once the response head arrived; rejects like `done()`. */
  started(): Promise<string> {
    return this.#started.promise;
  }

  /** Resolves with the output; rejects with a `SluiceError` (`code`, `requestId`, `retryable`). */
  done(): Promise<Output> {
    return this.#done.promise;
  }

  /** Stops reading: the iteration ends and `done()` rejects with `cancelled`. */
  abort(): void {
    if (!this.#outcome)
      this.#settle({ ok: false, error: cancelledError(this.#requestId), announced: true });
    this.#queue.length = 0;
    this.#controller.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent<Output>, undefined> {
    if (this.#iterated) throw new TypeError('A sluice stream can be iterated only once');
    this.#iterated = true;
    this.#iterating = true;
    return {
      next: () => this.#next(),
      return: () => {
        if (!this.#outcome) this.abort();
        this.#stopIterating();
        return Promise.resolve(ENDED);
      },
    };
  }

  async #next(): Promise<IteratorResult<StreamEvent<Output>, undefined>> {
    for (;;) {
      const event = this.#queue.shift();
      if (event) {
        if (this.#queue.length < HIGH_WATER) this.#makeRoom();
        return { done: false, value: event };
      }
      const outcome = this.#outcome;
      if (outcome) {
        this.#stopIterating();
        if (outcome.ok || outcome.announced || this.#thrown) return ENDED;
        this.#thrown = true;
        throw outcome.error;
      }
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
  }

  #sink(): StreamSink<Output> {
    return {
      opened: (requestId) => {
        if (this.#outcome || this.#requestId !== undefined) return;
        this.#requestId = requestId;
        this.#started.resolve(requestId);
      },
      push: (event) => {
        if (this.#outcome) return;
        this.#queue.push(event);
        this.#notify();
      },
      succeed: (output) => {
        if (!this.#outcome) this.#settle({ ok: true, output });
      },
      fail: (error, announced = false) => {
        if (!this.#outcome) this.#settle({ ok: false, error, announced });
      },
      room: () => {
        if (!this.#iterating || this.#outcome || this.#queue.length < HIGH_WATER) return undefined;
        return new Promise<void>((resolve) => (this.#roomWake = resolve));
      },
    };
  }

  #makeRoom(): void {
    const wake = this.#roomWake;
    this.#roomWake = undefined;
    wake?.();
  }

  #stopIterating(): void {
    this.#iterating = false;
    this.#makeRoom();
  }

  readonly #crash = (thrown: unknown) => {
    if (this.#outcome) return;
    const error = clientError('internal', 'The client failed while reading the stream', {
      requestId: this.#requestId,
      cause: thrown,
    });
    this.#settle({ ok: false, error, announced: false });
  };

  #settle(outcome: Outcome<Output>): void {
    this.#outcome = outcome;
    this.#unlink();
    if (outcome.ok) this.#done.resolve(outcome.output);
    else {
      this.#done.reject(outcome.error);
      this.#started.reject(outcome.error);
    }
    this.#notify();
    this.#makeRoom();
  }

  #notify(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}

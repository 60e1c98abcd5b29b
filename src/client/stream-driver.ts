import type { SluiceError } from '../errors/sluice-error.js';
import { backoffDelay, sleep, type RetryPolicy } from './backoff.js';
import { clientError, errorFromEventData, networkError } from './client-error.js';
import type { StreamEvent, StreamEventType } from './client-types.js';
import type { StreamSink } from './event-stream.js';
import { errorFromResponse, isRetryableStatus } from './response-error.js';
import type { SseMessage } from './sse-decoder.js';
import { readSseMessages } from './sse-reader.js';
import { IdleWatchdog } from './idle-watchdog.js';

/** How a stream connects: its first request, and the attach request that resumes it. */
export interface StreamConnection {
  readonly start: (signal: AbortSignal) => Promise<Response>;
  /** Whether the first request may be sent again (a GET attach may; a POST that started a run may not). */
  readonly startIsSafe: boolean;
  readonly resume: (position: ResumePosition, signal: AbortSignal) => Promise<Response>;
  readonly policy: RetryPolicy;
  /** A connection that sends nothing (not even a heartbeat) for this long is resumed; 0: never. */
  readonly idleTimeoutMs: number;
  /** Known before the first request when attaching. */
  readonly requestId?: string;
  /** Events up to this id were already seen. */
  readonly lastEventId?: number;
}

/** Where to resume: the request and the last event seen. */
export interface ResumePosition {
  readonly requestId: string;
  readonly lastEventId: number;
}

const EVENT_TYPES: ReadonlySet<string> = new Set<StreamEventType>([
  'progress',
  'preview',
  'output',
  'log',
  'result',
  'error',
]);

type Verdict = 'continue' | 'ended' | 'interrupted';

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return `${cause.message}${inner}`;
}

/**
 * Reads a request's events into a stream's sink, resuming through the attach route with
 * `Last-Event-ID` whenever the connection drops before the terminal event: jittered
 * exponential backoff, events already delivered skipped, so the sink sees each event once
 * and in order. Never re-sends a POST. Settles the sink, or stops when `signal` aborts.
 *
 * @example
 * void new StreamDriver(connection, sink, signal).run();
 */
export class StreamDriver<Output> {
  #requestId: string | undefined;
  #lastEventId: number;
  #attempts = 0;
  #reason = 'the connection failed';
  #connection = new AbortController();
  #unlinkConnection: () => void = () => undefined;

  constructor(
    private readonly connection: StreamConnection,
    private readonly sink: StreamSink<Output>,
    private readonly signal: AbortSignal,
  ) {
    this.#requestId = connection.requestId;
    this.#lastEventId = connection.lastEventId ?? 0;
  }

  /** Runs until the sink is settled or the signal aborts; never rejects. */
  async run(): Promise<void> {
    try {
      let response = await this.#start();
      while (response) {
        if ((await this.#consume(response)) === 'ended') return;
        response = await this.#reconnect();
      }
    } finally {
      this.#unlinkConnection();
    }
  }

  async #start(): Promise<Response | undefined> {
    let response: Response;
    try {
      response = await this.connection.start(this.#connectionSignal());
    } catch (cause) {
      if (this.signal.aborted) return undefined;
      if (this.connection.startIsSafe) return this.#retryAfter(describe(cause));
      return this.#fail(networkError(cause, this.#requestId));
    }
    if (response.ok) return this.#opened(response);
    const error = await errorFromResponse(response, this.#requestId);
    if (this.connection.startIsSafe && isRetryableStatus(response.status)) {
      return this.#retryAfter(`the server answered ${response.status} ${error.code}`);
    }
    return this.#fail(error);
  }

  #retryAfter(reason: string): Promise<Response | undefined> {
    this.#reason = reason;
    return this.#reconnect();
  }

  #opened(response: Response): Response | undefined {
    this.#requestId ??= response.headers.get('x-request-id') ?? undefined;
    if (this.#requestId === undefined) {
      void response.body?.cancel().catch(() => undefined);
      return this.#fail(clientError('internal', 'The server sent no x-request-id header'));
    }
    this.sink.opened(this.#requestId);
    return response;
  }

  /** A signal for one connection: it aborts with the stream's, or alone by the idle watchdog. */
  #connectionSignal(): AbortSignal {
    this.#unlinkConnection();
    const connection = new AbortController();
    const onAbort = () => connection.abort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    this.#unlinkConnection = () => this.signal.removeEventListener('abort', onAbort);
    this.#connection = connection;
    return connection.signal;
  }

  async #consume(response: Response): Promise<'ended' | 'interrupted'> {
    if (!response.body) return this.#interrupted('the response had no body');
    const watchdog = new IdleWatchdog(this.connection.idleTimeoutMs, this.#connection);
    try {
      for await (const message of readSseMessages(response.body, watchdog.reset)) {
        const verdict = this.#accept(message);
        if (verdict !== 'continue') return verdict;
        const room = this.sink.room();
        if (room) await watchdog.pausedWhile(room);
      }
      this.#reason = 'the stream ended before its terminal event';
    } catch (cause) {
      this.#reason = watchdog.fired
        ? `nothing arrived for ${this.connection.idleTimeoutMs} ms`
        : describe(cause);
    } finally {
      watchdog.stop();
    }
    return this.signal.aborted ? 'ended' : 'interrupted';
  }

  #interrupted(reason: string): 'interrupted' {
    this.#reason = reason;
    return 'interrupted';
  }

  #accept(message: SseMessage): Verdict {
    const type = message.event;
    if (type === undefined || !EVENT_TYPES.has(type)) return 'continue';
    // An error without an id is the server's own read failing mid-stream: resume.
    if (message.id === undefined) {
      return type === 'error' ? this.#interrupted('the server failed mid-stream') : 'continue';
    }
    const id = Number(message.id);
    if (!Number.isSafeInteger(id) || id <= this.#lastEventId) return 'continue';
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch (cause) {
      this.#fail(
        clientError('internal', `Event ${id} is not JSON`, { requestId: this.#requestId, cause }),
      );
      return 'ended';
    }
    this.#lastEventId = id;
    this.#attempts = 0;
    return this.#deliver({ type, id, data } as StreamEvent<Output>);
  }

  #deliver(event: StreamEvent<Output>): Verdict {
    this.sink.push(event);
    if (event.type === 'result') {
      this.sink.succeed(event.data);
      return 'ended';
    }
    if (event.type === 'error') {
      this.sink.fail(errorFromEventData(event.data, this.#requestId), true);
      return 'ended';
    }
    return 'continue';
  }

  async #reconnect(): Promise<Response | undefined> {
    const requestId = this.#requestId;
    if (requestId === undefined) {
      return this.#fail(clientError('internal', 'The stream dropped before it had a request id'));
    }
    while (!this.signal.aborted) {
      if (this.#attempts >= this.connection.policy.attempts) return this.#giveUp();
      this.#attempts++;
      await sleep(backoffDelay(this.connection.policy, this.#attempts), this.signal);
      if (this.signal.aborted) return undefined;
      const attached = await this.#attach(requestId);
      if (attached !== 'retry') return attached;
    }
    return undefined;
  }

  /** One attach request: the response to read, `'retry'`, or undefined once it failed for good. */
  async #attach(requestId: string): Promise<Response | 'retry' | undefined> {
    let response: Response;
    try {
      const position = { requestId, lastEventId: this.#lastEventId };
      response = await this.connection.resume(position, this.#connectionSignal());
    } catch (cause) {
      this.#reason = describe(cause);
      return 'retry';
    }
    if (response.ok) return this.#opened(response);
    const error = await errorFromResponse(response, requestId);
    if (!isRetryableStatus(response.status)) return this.#fail(error);
    this.#reason = `the server answered ${response.status} ${error.code}`;
    return 'retry';
  }

  #giveUp(): undefined {
    const attempts = this.#attempts;
    const message = `Lost the stream and gave up after ${attempts} attempts to resume: ${this.#reason}`;
    return this.#fail(
      clientError('app_unavailable', message, {
        requestId: this.#requestId,
        retryable: true,
        attempts,
      }),
    );
  }

  #fail(error: SluiceError): undefined {
    this.sink.fail(error);
    return undefined;
  }
}

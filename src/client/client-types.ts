// The wire types have one declaration, shared with the server; type-only, so the client
// loads nothing of it.
export type {
  ErrorPayload as ErrorData,
  EventType as StreamEventType,
  LogPayload as LogData,
  PreviewPayload as PreviewData,
  ProgressPayload as ProgressData,
  StreamEvent,
} from '../events/event-types.js';

/** How the client resumes a dropped stream: jittered exponential backoff. */
export interface RetryOptions {
  /** Reconnection attempts per interruption before giving up (default 5). */
  readonly attempts?: number;
  /** Delay before the first attempt, in ms (default 100); doubles each attempt. */
  readonly initialDelayMs?: number;
  /** Longest delay between attempts, in ms (default 2000). */
  readonly maxDelayMs?: number;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** The gateway's URL, e.g. `http://127.0.0.1:8000`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Key <apiKey>`. */
  readonly apiKey?: string;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Resume backoff. */
  readonly retry?: RetryOptions;
  /**
   * A stream that receives nothing, not even a heartbeat, for this long is treated as
   * dropped and resumed (default 60 000: four of the server's default 15 s heartbeats; 0 turns
   * it off). Keep it above the server's `heartbeatMs`.
   */
  readonly idleTimeoutMs?: number;
}

/** Options of `client.run` and `client.stream`. */
export interface CallOptions {
  /** An endpoint's sub-path such as `/img2img` (default: the app's default endpoint). */
  readonly path?: `/${string}`;
  /** Aborts the call; a stream ends and its `done()` rejects with `cancelled`. */
  readonly signal?: AbortSignal;
}

/** Options of `client.attach`. */
export interface AttachOptions {
  /** Replay only events after this one (default 0: every event). */
  readonly lastEventId?: number;
  readonly signal?: AbortSignal;
}

/** Options of `client.cancel`. */
export interface CancelOptions {
  readonly signal?: AbortSignal;
}

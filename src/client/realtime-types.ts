import type { SluiceError } from '../errors/sluice-error.js';
import type { StreamEvent } from './client-types.js';

/** The part of the WebSocket API a realtime connection uses: the browser's, or `ws`'s in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Which request a realtime message belongs to. */
export interface RealtimeInfo {
  /** `null` for an input that never became a request (it could not be read or validated). */
  readonly requestId: string | null;
}

/** Options of `client.realtime`. */
export interface RealtimeOptions<Output = unknown> {
  /** Each input's output, with its request id. */
  readonly onResult: (output: Output, info: RealtimeInfo & { readonly requestId: string }) => void;
  /** Each input's stream events (progress, previews, outputs, logs); asking for them turns them on. */
  readonly onEvent?: (event: StreamEvent, info: RealtimeInfo) => void;
  /** An input that failed, or the connection when it cannot be restored. */
  readonly onError?: (error: SluiceError, info: RealtimeInfo) => void;
  /** How many inputs the server dropped unrun because newer ones arrived while it was busy. */
  readonly onDropped?: (count: number, info: RealtimeInfo) => void;
  /**
   * Sends at most one input per this many ms; within it only the latest input is kept
   * (default 0: every input is sent at once, and the server's own buffer keeps the latest).
   */
  readonly throttleMs?: number;
  /** An endpoint's sub-path such as `/img2img` (default: the app's default endpoint). */
  readonly path?: `/${string}`;
  /** The WebSocket constructor (default: `globalThis.WebSocket`; in Node 20 pass `ws`'s). */
  readonly webSocket?: WebSocketConstructor;
  /**
   * Where a browser gets its short-lived token (from its own backend, which holds the key);
   * default: `POST /tokens/` with the client's `apiKey`, or no token when it has none.
   */
  readonly tokenProvider?: (appId: string) => Promise<string>;
}

/** An open realtime connection. */
export interface RealtimeConnection<Input = unknown> {
  /** Sends an input; while throttled or reconnecting only the latest one waits. */
  readonly send: (input: Input) => void;
  /** Closes the connection (1000); nothing more is sent or received. */
  readonly close: () => void;
}

/**
 * The closed vocabulary of what a run emits.
 *
 * @example
 * EVENT_TYPES.includes(type); // is it an event sluice sends?
 */
export const EVENT_TYPES = ['progress', 'preview', 'output', 'log', 'result', 'error'] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Events that end a request; each request has exactly one. */
export type TerminalEventType = 'result' | 'error';

/** Events a cursor that falls behind may skip when a later one of the same type exists. */
export type SupersedableEventType = 'progress' | 'preview';

/** Payload of a `progress` event. */
export interface ProgressPayload {
  readonly step: number;
  readonly total: number;
  /** The fraction done, 0–1: `step / total` kept within bounds (0 when `total` is not above 0). */
  readonly progress: number;
  readonly message?: string;
}

/** An image a client can show: the shape fal's playground renders. */
export interface ImagePayload {
  readonly url: string;
  readonly content_type: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Payload of a `preview` event: one image (`ctx.preview(image)`), or several
 * (`ctx.preview([a, b])`), the two shapes fal's playground renders.
 */
export type PreviewPayload = ImagePreview | { readonly images: readonly ImagePayload[] };

/** A preview of one image, as `ctx.preview(image)` and `encodePreview` make it. */
export interface ImagePreview {
  readonly image: ImagePayload;
}

/** Severity of a `log` event. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Payload of a `log` event. */
export interface LogPayload {
  readonly level: LogLevel;
  readonly message: string;
  readonly timestamp: string;
  /**
   * Set on the notice the gateway writes when a request whose worker was lost starts again
   * (an endpoint with `retries`): the number of the attempt whose events follow, from 2.
   */
  readonly attempt?: number;
}

/** Payload of an `error` event. */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly request_id: string;
  /** Only from a server in dev mode: the app's own error, for its developer. */
  readonly debug?: ErrorDebug;
}

/** The app's own error as a dev-mode server sends it: message, stack and causes. */
export interface ErrorDebug {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: ErrorDebug;
}

/**
 * One event of a stream as a client reads it: `id` is its SSE id, the request's event
 * number (1, 2, 3…), and `data` its parsed payload. The server and `sluice/client` share
 * this one declaration.
 *
 * @example
 * function show(event: StreamEvent<string>): string {
 *   if (event.type === 'progress') return `${event.data.step}/${event.data.total}`;
 *   return event.type === 'result' ? event.data : event.type;
 * }
 */
export type StreamEvent<Output = unknown> =
  | { readonly type: 'progress'; readonly id: number; readonly data: ProgressPayload }
  | { readonly type: 'preview'; readonly id: number; readonly data: PreviewPayload }
  | { readonly type: 'output'; readonly id: number; readonly data: unknown }
  | { readonly type: 'log'; readonly id: number; readonly data: LogPayload }
  | { readonly type: 'result'; readonly id: number; readonly data: Output }
  | { readonly type: 'error'; readonly id: number; readonly data: ErrorPayload };

/**
 * An event as stored in the event log: its number, its type and its payload already
 * serialised as ASCII-only JSON, so every cursor writes the same bytes without
 * serialising again.
 */
export interface LoggedEvent {
  readonly seq: number;
  readonly type: EventType;
  readonly json: string;
}

/** An event before the log numbers it. */
export type NewEvent = Omit<LoggedEvent, 'seq'>;

/**
 * Whether an event ends its request.
 *
 * @example
 * isTerminal('result'); // true
 */
export function isTerminal(type: EventType): type is TerminalEventType {
  return type === 'result' || type === 'error';
}

/**
 * Whether a later event of the same type supersedes this one for a cursor that is behind.
 *
 * @example
 * isSupersedable('preview'); // true
 */
export function isSupersedable(type: EventType): type is SupersedableEventType {
  return type === 'progress' || type === 'preview';
}

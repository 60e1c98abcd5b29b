/** The event vocabulary of a sluice stream, as the page reads it. */
export type PageEventType = 'progress' | 'preview' | 'output' | 'log' | 'result' | 'error';

/** One stream event: its type, its SSE id and its payload. */
export interface PageEvent {
  readonly type: PageEventType;
  readonly id: number;
  readonly data: unknown;
}

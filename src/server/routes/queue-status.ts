import type { RequestProgress } from '../../dispatch/request-dispatch.js';
import { errorFromEvent } from '../../dispatch/terminal-outcome.js';
import type { EventLog } from '../../events/event-log.js';
import type { LogPayload, LoggedEvent } from '../../events/event-types.js';

/** A log line in fal's `RequestLog` shape. */
export interface RequestLog {
  readonly message: string;
  readonly level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly source: 'USER';
  readonly timestamp: string;
}

/** The URLs every status carries. */
export interface RequestUrls {
  readonly status_url: string;
  readonly response_url: string;
  readonly cancel_url: string;
  readonly stream_url: string;
}

/** A queue status, in fal's shape. */
export type QueueStatus = RequestUrls & { readonly request_id: string } & (
    | { readonly status: 'IN_QUEUE'; readonly queue_position: number }
    | { readonly status: 'IN_PROGRESS'; readonly logs: readonly RequestLog[] }
    | {
        readonly status: 'COMPLETED';
        readonly logs: readonly RequestLog[];
        readonly metrics: { readonly inference_time: number | null };
        readonly error?: string;
        readonly error_type?: string;
      }
  );

const LEVELS = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

function toRequestLog(event: LoggedEvent): RequestLog {
  const payload = JSON.parse(event.json) as LogPayload;
  return {
    message: payload.message,
    level: LEVELS[payload.level] ?? 'INFO',
    source: 'USER',
    timestamp: payload.timestamp,
  };
}

/** What a request's log holds after a seq: its log lines and its terminal event. */
export interface LogScan {
  readonly logs: RequestLog[];
  readonly terminal: LoggedEvent | undefined;
  /** The last seq read. */
  readonly lastSeq: number;
}

const PAGE = 1_000;

/**
 * Reads a request's events after `afterSeq` (bounded by the log's caps), keeping its `log`
 * events as fal `RequestLog`s and its terminal event.
 *
 * @example
 * const { logs, terminal } = await scanLog(eventLog, requestId, 0);
 */
export async function scanLog(
  eventLog: EventLog,
  requestId: string,
  afterSeq: number,
): Promise<LogScan> {
  const logs: RequestLog[] = [];
  let terminal: LoggedEvent | undefined;
  let position = afterSeq;
  for (;;) {
    const batch = await eventLog.read(requestId, position, PAGE);
    if (!batch || batch.lastSeq === position) break;
    for (const event of batch.events) {
      if (event.type === 'log') logs.push(toRequestLog(event));
      if (event.type === 'result' || event.type === 'error') terminal = event;
    }
    position = batch.lastSeq;
    if (batch.ended) break;
  }
  return { logs, terminal, lastSeq: position };
}

/**
 * Like {@link scanLog} without the log lines: reads only the terminal event, if any, so a
 * status poll without `?logs=1` costs the same however many events the run emitted.
 *
 * @example
 * const { terminal } = await scanTerminal(eventLog, requestId);
 */
export async function scanTerminal(eventLog: EventLog, requestId: string): Promise<LogScan> {
  const lookup = await eventLog.lookup(requestId);
  if (lookup.state !== 'live' && lookup.state !== 'ended')
    return { logs: [], terminal: undefined, lastSeq: 0 };
  if (lookup.state === 'live') return { logs: [], terminal: undefined, lastSeq: lookup.lastSeq };
  const batch = await eventLog.read(requestId, lookup.lastSeq - 1, 1);
  return { logs: [], terminal: batch?.events[0], lastSeq: lookup.lastSeq };
}

/** What a status is made of. */
export interface StatusParts {
  readonly requestId: string;
  readonly urls: RequestUrls;
  readonly progress: RequestProgress | undefined;
  /** Defined while the request waits. */
  readonly queuePosition: number | undefined;
  readonly scan: LogScan;
  /** Whether to include the log lines (`?logs=1`). */
  readonly withLogs: boolean;
}

function inferenceTime(progress: RequestProgress | undefined): number | null {
  if (progress?.startedAt === undefined || progress.endedAt === undefined) return null;
  return (progress.endedAt - progress.startedAt) / 1000;
}

/**
 * A request's queue status: `IN_QUEUE` with its position, `IN_PROGRESS` with its logs, or
 * `COMPLETED` with logs, `metrics.inference_time` (seconds) and, when it failed,
 * `error`/`error_type`. Pure.
 *
 * @example
 * const status = queueStatus({ requestId, urls, progress, queuePosition, scan, withLogs: true });
 */
export function queueStatus(parts: StatusParts): QueueStatus {
  const base = { request_id: parts.requestId, ...parts.urls };
  const logs = parts.withLogs ? parts.scan.logs : [];
  const { terminal } = parts.scan;
  if (terminal) {
    const metrics = { inference_time: inferenceTime(parts.progress) };
    if (terminal.type !== 'error') return { ...base, status: 'COMPLETED', logs, metrics };
    const error = errorFromEvent(terminal);
    return {
      ...base,
      status: 'COMPLETED',
      logs,
      metrics,
      error: error.message,
      error_type: error.code,
    };
  }
  if (parts.queuePosition !== undefined)
    return { ...base, status: 'IN_QUEUE', queue_position: parts.queuePosition };
  return { ...base, status: 'IN_PROGRESS', logs };
}

/**
 * The URLs of a queue request, absolute, on the host the client used.
 *
 * @example
 * requestUrls('http://127.0.0.1:8000', 'demo/text', requestId).status_url;
 */
export function requestUrls(base: string, appId: string, requestId: string): RequestUrls {
  const root = `${base}/queue/${appId}/requests/${requestId}`;
  return {
    status_url: `${root}/status`,
    response_url: root,
    cancel_url: `${root}/cancel`,
    stream_url: `${base}/${appId}/requests/${requestId}/stream`,
  };
}

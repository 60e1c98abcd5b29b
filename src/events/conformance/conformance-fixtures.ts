import { randomUUID } from 'node:crypto';
import { toAsciiJson } from '../ascii-json.js';
import type { EventLog, EventLogLimits, RequestRecord } from '../event-log.js';
import type { LoggedEvent, NewEvent } from '../event-types.js';

/**
 * Makes a fresh, empty backend with the given limits; `cleanup` must also work after `close`.
 *
 * @example
 * const makeLog: MakeEventLog = (limits) => {
 *   const log = new MemoryEventLog(limits);
 *   return Promise.resolve({ log, cleanup: () => log.close() });
 * };
 */
export type MakeEventLog = (
  limits?: Partial<EventLogLimits>,
) => Promise<{ log: EventLog; cleanup: () => Promise<void> }>;

/** A backend under test, released by `await using`. */
export interface OpenedLog extends AsyncDisposable {
  readonly log: EventLog;
}

export async function openLog(
  makeLog: MakeEventLog,
  limits?: Partial<EventLogLimits>,
): Promise<OpenedLog> {
  const { log, cleanup } = await makeLog(limits);
  return { log, [Symbol.asyncDispose]: cleanup };
}

export function newRecord(): RequestRecord {
  return {
    requestId: randomUUID(),
    appId: 'conformance/echo',
    endpoint: '',
    owner: 'anonymous',
    createdAt: Date.now(),
  };
}

export async function createRequest(log: EventLog): Promise<string> {
  const record = newRecord();
  await log.create(record);
  return record.requestId;
}

export function progressEvent(step: number, total = 100): NewEvent {
  return { type: 'progress', json: toAsciiJson({ step, total }) };
}

export function previewEvent(frame: number): NewEvent {
  const image = { url: `data:image/jpeg;base64,frame${frame}`, content_type: 'image/jpeg' };
  return { type: 'preview', json: toAsciiJson({ image }) };
}

export function outputEvent(value: unknown): NewEvent {
  return { type: 'output', json: toAsciiJson(value) };
}

export function logEvent(message: string): NewEvent {
  const timestamp = '2025-01-01T00:00:00.000Z';
  return { type: 'log', json: toAsciiJson({ level: 'info', message, timestamp }) };
}

export function resultEvent(value: unknown): NewEvent {
  return { type: 'result', json: toAsciiJson(value) };
}

export function errorEvent(code: string): NewEvent {
  const payload = { code, message: 'The app failed', retryable: false, request_id: 'test' };
  return { type: 'error', json: toAsciiJson(payload) };
}

/** The events as the log should store them: numbered from `firstSeq`. */
export function numbered(events: readonly NewEvent[], firstSeq = 1): LoggedEvent[] {
  return events.map((event, index) => ({ seq: firstSeq + index, ...event }));
}

export function seqsOf(events: readonly LoggedEvent[]): number[] {
  return events.map((event) => event.seq);
}

export function seqRange(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/** The last seq of a live or ended request; fails the test otherwise. */
export async function lastSeqOf(log: EventLog, requestId: string): Promise<number> {
  const lookup = await log.lookup(requestId);
  if (lookup.state !== 'live' && lookup.state !== 'ended') {
    throw new Error(`The request is ${lookup.state}`);
  }
  return lookup.lastSeq;
}

/** Appends and fails the test unless the log accepts; answers the new last seq. */
export async function appendAccepted(
  log: EventLog,
  requestId: string,
  events: readonly NewEvent[],
): Promise<number> {
  const result = await log.append(requestId, events);
  if (!result.accepted) throw new Error(`The log refused the append: ${result.reason}`);
  return result.lastSeq;
}

/** Appends each event on its own, in order. */
export async function appendEach(
  log: EventLog,
  requestId: string,
  events: readonly NewEvent[],
): Promise<void> {
  for (const event of events) await appendAccepted(log, requestId, [event]);
}

export interface ReadAllOptions {
  readonly afterSeq?: number;
  readonly batchSize?: number;
}

/** Reads batch after batch from `afterSeq` until the end of what is there now. */
export async function readAll(
  log: EventLog,
  requestId: string,
  options: ReadAllOptions = {},
): Promise<LoggedEvent[]> {
  const batchSize = options.batchSize ?? 10_000;
  const collected: LoggedEvent[] = [];
  let position = options.afterSeq ?? 0;
  for (;;) {
    const batch = await log.read(requestId, position, batchSize);
    if (!batch) throw new Error('The log answered undefined: unknown or expired');
    if (batch.events.length > batchSize) throw new Error('The log answered more than asked');
    collected.push(...batch.events);
    if (batch.ended || batch.lastSeq <= position) return collected;
    position = batch.lastSeq;
  }
}

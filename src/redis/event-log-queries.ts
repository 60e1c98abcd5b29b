import type { EventType, LoggedEvent } from '../events/event-types.js';
import type { EventBatch, RequestLookup, RequestRecord } from '../events/event-log.js';
import { keyList, requestLogKeys } from './event-log-keys.js';
import { CREATE_SCRIPT, LOOKUP_SCRIPT, READ_SCRIPT } from './event-log-scripts.js';
import type { RedisHub } from './redis-hub.js';

/** Payload after which a read stops adding events to its batch, as the memory log does. */
const BATCH_BYTES = 64 * 1024;

/** One create of {@link createLog}. */
export interface LogCreation {
  /** Unique per call, so a call re-sent after a reconnect is not mistaken for a second request. */
  readonly token: string;
  /** Expiry of a log that never ends; its terminal event sets the retention instead. */
  readonly backstopMs: number;
}

/**
 * Creates a request's log; `false` when the id is taken.
 *
 * @example
 * const created = await createLog(hub, record, { token: randomUUID(), backstopMs: 7 * 86_400_000 });
 */
export async function createLog(
  hub: RedisHub,
  record: RequestRecord,
  creation: LogCreation,
): Promise<boolean> {
  const keys = keyList(requestLogKeys(hub, record.requestId));
  const args = [JSON.stringify(record), creation.token, Math.max(1, creation.backstopMs)];
  return (await CREATE_SCRIPT.run(hub.command, keys, args)) === 1;
}

/**
 * What Redis knows of a request id.
 *
 * @example
 * const lookup = await lookupLog(hub, requestId);
 */
export async function lookupLog(hub: RedisHub, requestId: string): Promise<RequestLookup> {
  const keys = keyList(requestLogKeys(hub, requestId));
  const [state, record, lastSeq] = (await LOOKUP_SCRIPT.run(hub.command, keys, [])) as [
    string,
    string?,
    number?,
  ];
  if (state === 'unknown' || record === undefined) return { state: 'unknown' };
  const parsed = JSON.parse(record) as RequestRecord;
  if (state === 'expired') return { state, record: parsed };
  return { state: state === 'ended' ? 'ended' : 'live', record: parsed, lastSeq: lastSeq ?? 0 };
}

/** A read of {@link readLog}. */
export interface LogRead {
  readonly requestId: string;
  readonly afterSeq: number;
  readonly maxEvents: number;
}

/**
 * The events after `afterSeq` (at most `maxEvents`, about 64 KiB of payload); `undefined`
 * when the log is missing or expired.
 *
 * @example
 * const batch = await readLog(hub, { requestId, afterSeq: 0, maxEvents: 100 });
 */
export async function readLog(hub: RedisHub, read: LogRead): Promise<EventBatch | undefined> {
  const { meta, events } = requestLogKeys(hub, read.requestId);
  const afterSeq = Math.max(0, Math.floor(read.afterSeq));
  const args = [afterSeq, read.maxEvents, BATCH_BYTES];
  const reply = (await READ_SCRIPT.run(hub.command, [meta, events], args)) as Array<
    number | string
  > | null;
  if (!reply) return undefined;
  const logged: LoggedEvent[] = [];
  for (let index = 2; index + 2 < reply.length; index += 3) {
    const [seq, type, json] = reply.slice(index, index + 3) as [number, EventType, string];
    logged.push({ seq, type, json });
  }
  return { events: logged, lastSeq: Number(reply[0]), ended: reply[1] === 1 };
}

/** How far a log got: `undefined` when it is missing or expired. */
export type LogProgress = { readonly lastSeq: number; readonly ended: boolean } | undefined;

/**
 * How far a request's log got, for waiters to tell whether they have news.
 *
 * @example
 * const progress = await logProgress(hub, requestId);
 */
export async function logProgress(hub: RedisHub, requestId: string): Promise<LogProgress> {
  const { meta } = requestLogKeys(hub, requestId);
  const [lastSeq, ended] = await hub.command.hmget(meta, 'lastSeq', 'ended');
  return lastSeq === null ? undefined : { lastSeq: Number(lastSeq), ended: ended === '1' };
}

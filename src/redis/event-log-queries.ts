import type { RequestLookup, RequestRecord } from '../events/event-log.js';
import type { AdmissionWrites, HashWrite } from './bull-admission.js';
import { keyList, requestLogKeys } from './event-log-keys.js';
import { decodeRecord, encodeRecord } from './event-log-record.js';
import { CREATE_SCRIPT, LOOKUP_SCRIPT } from './event-log-scripts.js';
import type { RedisHub } from './redis-hub.js';

/** One create of {@link createLog}. */
export interface LogCreation {
  /** Unique per call, so a call re-sent after a reconnect is not mistaken for a second request. */
  readonly token: string;
  /** Expiry of a log that never ends; its terminal event sets the retention instead. */
  readonly backstopMs: number;
}

/**
 * A request's log created as part of another script's step (the admission that lists the
 * request), as {@link createLog} creates it: refused when its id is taken (live, ended or
 * tombstoned).
 *
 * @example
 * const writes = logCreationWrites(hub, record, { token: randomUUID(), backstopMs });
 */
export function logCreationWrites(
  hub: RedisHub,
  record: RequestRecord,
  creation: LogCreation,
): AdmissionWrites {
  const { meta, tombstone } = requestLogKeys(hub, record.requestId);
  return { absent: [meta, tombstone], hashes: [newMeta(meta, record, creation)] };
}

/** A new log's meta: the record, nothing appended yet, the backstop expiry. */
function newMeta(key: string, record: RequestRecord, creation: LogCreation): HashWrite {
  const fields = ['record', encodeRecord(record), 'createToken', creation.token];
  fields.push('lastSeq', '0', 'count', '0', 'bytes', '0', 'ended', '0');
  return { key, fields, ttlMs: Math.max(1, creation.backstopMs) };
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
  const { fields, ttlMs } = newMeta(keys[0]!, record, creation);
  const args = [creation.token, ttlMs, ...fields];
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
  const decoded = decodeRecord(requestId, record);
  if (state === 'expired') return { state, record: decoded };
  return { state: state === 'ended' ? 'ended' : 'live', record: decoded, lastSeq: lastSeq ?? 0 };
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

import type { RequestRecord } from '../events/event-log.js';

type CompactRecord = [appId: string, endpoint: string, owner: string, createdAt: number];

/**
 * A request's record as the log keeps it in meta and tombstone: a JSON array without the
 * id, which is in the key. Tombstones outlive the logs, so every byte counts.
 *
 * @example
 * encodeRecord(record); // '["demo/text","","anonymous",1763750000000]'
 */
export function encodeRecord(record: RequestRecord): string {
  const compact: CompactRecord = [record.appId, record.endpoint, record.owner, record.createdAt];
  return JSON.stringify(compact);
}

/**
 * The record back from {@link encodeRecord}'s text.
 *
 * @example
 * const record = decodeRecord(requestId, text);
 */
export function decodeRecord(requestId: string, text: string): RequestRecord {
  const [appId, endpoint, owner, createdAt] = JSON.parse(text) as CompactRecord;
  return { requestId, appId, endpoint, owner, createdAt };
}

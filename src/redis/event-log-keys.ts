import type { RedisHub } from './redis-hub.js';

/** The keys of one request's log; the id is a hash tag, so a cluster keeps them together. */
export interface RequestLogKeys {
  /** Hash: the record, lastSeq, count, bytes, ended, latest progress/preview, batch tokens. */
  readonly meta: string;
  /**
   * Stream of the events: entry ids `<seq>-0` of the entry's last event, one field per
   * entry: the type, valued the json, or `pack`, valued several (see `packEntries`).
   */
  readonly events: string;
  /** String: the record (compact, as in meta), kept for a while after the events expire. */
  readonly tombstone: string;
}

/** The channel an append publishes its notice on (see `parseAppendNotice`). */
export const APPENDED_CHANNEL = 'appended';

/**
 * The keys of a request's log under the hub's prefix.
 *
 * @example
 * const { meta, events } = requestLogKeys(hub, requestId); // sluice:log:{id}:meta, …:events
 */
export function requestLogKeys(hub: RedisHub, requestId: string): RequestLogKeys {
  const tag = `{${requestId}}`;
  return {
    meta: hub.key('log', tag, 'meta'),
    events: hub.key('log', tag, 'events'),
    tombstone: hub.key('log', tag, 'tombstone'),
  };
}

/**
 * The keys in the order the scripts take them.
 *
 * @example
 * await script.run(hub.command, keyList(requestLogKeys(hub, requestId)), args);
 */
export function keyList(keys: RequestLogKeys): string[] {
  return [keys.meta, keys.events, keys.tombstone];
}

import { isTerminal, type NewEvent } from '../events/event-types.js';
import type { AppendRefusal, AppendResult, EventLogLimits } from '../events/event-log.js';
import { APPEND_SCRIPT } from './event-log-append-script.js';
import { APPENDED_CHANNEL, keyList, requestLogKeys } from './event-log-keys.js';
import type { RedisHub } from './redis-hub.js';

/** Bytes counted for an event beyond its payload, as the memory log counts them. */
const EVENT_OVERHEAD_BYTES = 32;

/** One append, as {@link appendBatch} sends it. */
export interface BatchAppend {
  readonly requestId: string;
  readonly events: readonly NewEvent[];
  /** Unique per append call: a re-sent script with the same token answers, not appends. */
  readonly token: string;
  readonly limits: EventLogLimits;
  /** How long the record outlives the events. */
  readonly tombstoneMs: number;
}

/**
 * Appends a batch with one script run; what `RedisEventLog.append` does, with the batch
 * token in the caller's hands (tests send the same token twice to see it applied once).
 *
 * @example
 * const result = await appendBatch(hub, { requestId, events, token: randomUUID(), limits, tombstoneMs });
 */
export async function appendBatch(hub: RedisHub, append: BatchAppend): Promise<AppendResult> {
  const terminalIndex = append.events.findIndex((event) => isTerminal(event.type));
  if (terminalIndex !== -1 && terminalIndex !== append.events.length - 1) {
    throw new TypeError('A terminal event must be the last of its batch');
  }
  const { limits } = append;
  const args: Array<string | number> = [
    append.token,
    limits.maxEvents,
    limits.maxBytes,
    limits.retentionMs,
    append.tombstoneMs,
    hub.channel(APPENDED_CHANNEL),
    append.requestId,
  ];
  for (const event of append.events) {
    args.push(event.type, event.json, event.json.length + EVENT_OVERHEAD_BYTES);
  }
  const keys = keyList(requestLogKeys(hub, append.requestId));
  const [outcome, lastSeq] = (await APPEND_SCRIPT.run(hub.command, keys, args)) as [string, number];
  if (outcome === 'accepted') return { accepted: true, lastSeq };
  return { accepted: false, reason: outcome as AppendRefusal };
}

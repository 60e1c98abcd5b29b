import type { NewEvent } from '../events/event-types.js';
import type { AppendRefusal, AppendResult, EventLogLimits } from '../events/event-log.js';
import { planAppend } from './event-log-append-plan.js';
import { APPEND_SCRIPT } from './event-log-append-script.js';
import { APPENDED_CHANNEL, keyList, requestLogKeys } from './event-log-keys.js';
import { noticeTail } from './event-log-tail.js';
import type { RedisHub } from './redis-hub.js';

/** One append, as {@link appendBatch} sends it. */
export interface BatchAppend {
  readonly requestId: string;
  readonly events: readonly NewEvent[];
  /** Unique per append call: a re-sent script with the same token answers, not appends. */
  readonly token: string;
  readonly limits: EventLogLimits;
  /** How long the record outlives the events. */
  readonly tombstoneMs: number;
  /** The writer's epoch (see `AppendOptions.epoch`); default 0. */
  readonly epoch?: number;
}

/**
 * Appends a batch with one script run; what `RedisEventLog.append` does, with the batch
 * token in the caller's hands (tests send the same token twice to see it applied once).
 *
 * @example
 * const result = await appendBatch(hub, { requestId, events, token: randomUUID(), limits, tombstoneMs });
 */
export async function appendBatch(hub: RedisHub, append: BatchAppend): Promise<AppendResult> {
  const plan = planAppend(append.events);
  const { limits } = append;
  const { progress, preview } = plan.latest;
  const args: Array<string | number> = [
    append.token,
    limits.maxEvents,
    limits.maxBytes,
    limits.retentionMs,
    append.tombstoneMs,
    hub.channel(APPENDED_CHANNEL),
    append.requestId,
    plan.total,
    plan.ends ? 1 : 0,
    plan.bodyCount,
    plan.bodyBytes,
    plan.terminalBytes,
    progress?.offset ?? 0,
    progress?.bytes ?? 0,
    preview?.offset ?? 0,
    preview?.bytes ?? 0,
    plan.offsets,
    append.epoch ?? 0,
    noticeTail(plan.entries),
  ];
  for (const entry of plan.entries) args.push(entry.field, entry.value);
  const keys = keyList(requestLogKeys(hub, append.requestId));
  const [outcome, lastSeq] = (await APPEND_SCRIPT.run(hub.command, keys, args)) as [string, number];
  if (outcome === 'accepted') return { accepted: true, lastSeq };
  return { accepted: false, reason: outcome as AppendRefusal };
}

import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../events/event-types.js';
import {
  DEFAULT_EVENT_LOG_LIMITS,
  type AppendResult,
  type EventBatch,
  type EventLog,
  type EventLogLimits,
  type RequestLookup,
  type RequestRecord,
} from '../events/event-log.js';
import { appendBatch } from './event-log-append.js';
import { createLog, logProgress, lookupLog, readLog } from './event-log-queries.js';
import { AppendWaiters } from './event-log-waiters.js';
import type { RedisHub } from './redis-hub.js';

/** Options of {@link RedisEventLog} beyond the limits. */
export interface RedisEventLogOptions {
  /** How long an expired request's record is kept, so it answers `expired` (default 24 h). */
  readonly tombstoneMs?: number;
  /**
   * Expiry of a log that never ends, e.g. because its gateway crashed before enqueueing
   * it (default 7 days); the terminal event replaces it with the retention.
   */
  readonly liveBackstopMs?: number;
}

const DEFAULT_TOMBSTONE_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LIVE_BACKSTOP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The {@link EventLog} on Redis, for gateways and workers on many machines: one Redis
 * Stream per request (entry ids are the events' seqs, `<seq>-0`), a meta hash beside it,
 * and every append one Lua script that enforces the caps, drops superseded progress and
 * previews, appends the batch whole or not at all and publishes a notification. Ended logs
 * expire by `PEXPIRE` after the retention, live ones after a long backstop (a request that
 * never ends must not leak); a small tombstone keeps the record for `tombstoneMs` more. Waiting
 * cursors share the hub's one subscriber connection. `close` leaves the hub open: its
 * owner closes it.
 *
 * @example
 * const hub = await RedisHub.connect({ url: 'redis://127.0.0.1:6379' });
 * const log = new RedisEventLog(hub, { retentionMs: 60_000 });
 * await log.create({ requestId, appId: 'demo/text', endpoint: '', owner: 'anonymous', createdAt: Date.now() });
 * await log.append(requestId, [{ type: 'output', json: '"hi"' }]);
 */
export class RedisEventLog implements EventLog {
  readonly limits: EventLogLimits;
  private readonly tombstoneMs: number;
  private readonly liveBackstopMs: number;
  private readonly waiters: AppendWaiters;
  private closed = false;

  constructor(
    private readonly hub: RedisHub,
    limits: Partial<EventLogLimits> = {},
    options: RedisEventLogOptions = {},
  ) {
    this.limits = { ...DEFAULT_EVENT_LOG_LIMITS, ...limits };
    this.tombstoneMs = options.tombstoneMs ?? DEFAULT_TOMBSTONE_MS;
    this.liveBackstopMs = options.liveBackstopMs ?? DEFAULT_LIVE_BACKSTOP_MS;
    this.waiters = new AppendWaiters(hub, (requestId) => logProgress(hub, requestId));
  }

  async create(record: RequestRecord): Promise<void> {
    if (this.closed) throw new Error('The event log is closed');
    const creation = { token: randomUUID(), backstopMs: this.liveBackstopMs };
    if (!(await createLog(this.hub, record, creation))) {
      throw new Error(`Request ${record.requestId} already exists`);
    }
  }

  lookup(requestId: string): Promise<RequestLookup> {
    return lookupLog(this.hub, requestId);
  }

  append(requestId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    const { limits, tombstoneMs } = this;
    return appendBatch(this.hub, { requestId, events, token: randomUUID(), limits, tombstoneMs });
  }

  async read(
    requestId: string,
    afterSeq: number,
    maxEvents: number,
  ): Promise<EventBatch | undefined> {
    if (!Number.isInteger(maxEvents) || maxEvents < 1) {
      throw new RangeError('maxEvents must be a positive integer');
    }
    if (this.closed) return undefined;
    const batch = await readLog(this.hub, { requestId, afterSeq, maxEvents });
    return this.closed ? undefined : batch;
  }

  waitForEvents(requestId: string, afterSeq: number, signal: AbortSignal): Promise<void> {
    return this.waiters.wait(requestId, afterSeq, signal);
  }

  close(): Promise<void> {
    this.closed = true;
    this.waiters.close();
    return Promise.resolve();
  }
}

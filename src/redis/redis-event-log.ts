import { randomUUID } from 'node:crypto';
import { isTerminal, type NewEvent } from '../events/event-types.js';
import {
  DEFAULT_EVENT_LOG_LIMITS,
  type AppendOptions,
  type AppendResult,
  type EventBatch,
  type EventLog,
  type EventLogLimits,
  type RequestLookup,
  type RequestRecord,
} from '../events/event-log.js';
import { appendBatch } from './event-log-append.js';
import { createLog, logCreationWrites, logProgress, lookupLog } from './event-log-queries.js';
import { KnownProgress } from './event-log-known-progress.js';
import { EntrySizes } from './event-log-entry-sizes.js';
import { readLog } from './event-log-read.js';
import { NoticedTails } from './event-log-tail.js';
import { AppendWaiters } from './event-log-waiters.js';
import type { RedisHub } from './redis-hub.js';
import type { AdmissionWrites } from './bull-admission.js';
import type { WaitSignal } from '../events/wait-signal.js';

/** Options of {@link RedisEventLog} beyond the limits. */
export interface RedisEventLogOptions {
  /**
   * How long an expired request's record is kept after its events, so it answers `expired`
   * rather than `unknown` (default 1 h). Each costs about 150 B of Redis memory for that
   * long: at 100 requests a second, 1 h holds 360,000 tombstones, about 50 MiB.
   */
  readonly tombstoneMs?: number;
  /**
   * Expiry of a log that never ends, e.g. because its gateway crashed before enqueueing
   * it (default 7 days); the terminal event replaces it with the retention.
   */
  readonly liveBackstopMs?: number;
}

const DEFAULT_TOMBSTONE_MS = 60 * 60 * 1000;
const DEFAULT_LIVE_BACKSTOP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The {@link EventLog} on Redis, for gateways and workers on many machines: one Redis
 * Stream per request (entry ids are seqs, `<seq>-0`; a run of outputs and logs of one
 * batch shares the entry of its last seq), a meta hash beside it,
 * and every append one Lua script that enforces the caps, drops superseded progress and
 * previews, appends the batch whole or not at all and publishes a notification that tells
 * waiters the new last seq, and, for a small batch, its events. A read is an `XRANGE`, no
 * script, or none when the notices brought the events (`NoticedTails`), and a cursor that
 * caught up looks at no meta before it waits: what the reads and the notices since tell
 * (`KnownProgress`) suffices while the subscription holds. Ended logs
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
  private readonly known = new KnownProgress();
  private readonly tails = new NoticedTails();
  private readonly entrySizes = new EntrySizes();
  private closed = false;

  constructor(
    private readonly hub: RedisHub,
    limits: Partial<EventLogLimits> = {},
    options: RedisEventLogOptions = {},
  ) {
    this.limits = { ...DEFAULT_EVENT_LOG_LIMITS, ...limits };
    this.tombstoneMs = options.tombstoneMs ?? DEFAULT_TOMBSTONE_MS;
    this.liveBackstopMs = options.liveBackstopMs ?? DEFAULT_LIVE_BACKSTOP_MS;
    const progressOf = (requestId: string) => logProgress(hub, requestId);
    this.waiters = new AppendWaiters(hub, { progressOf, known: this.known, tails: this.tails });
  }

  async create(record: RequestRecord): Promise<void> {
    if (this.closed) throw new Error('The event log is closed');
    const creation = { token: randomUUID(), backstopMs: this.liveBackstopMs };
    if (!(await createLog(this.hub, record, creation))) {
      throw new Error(`Request ${record.requestId} already exists`);
    }
    this.known.created(record.requestId); // its first reads need not ask whether it is live
  }

  /**
   * The log's creation as writes of the admission that lists the request: one Redis step
   * for both. The log is then as {@link create} makes it.
   *
   * @example
   * await queue.enqueueAdmitted(entry, { bounds, writes: [log.creationWrites(record)] });
   */
  creationWrites(record: RequestRecord): AdmissionWrites {
    if (this.closed) throw new Error('The event log is closed');
    const creation = { token: randomUUID(), backstopMs: this.liveBackstopMs };
    const { absent, hashes } = logCreationWrites(this.hub, record, creation);
    return { absent, hashes, written: () => this.known.created(record.requestId) };
  }

  lookup(requestId: string): Promise<RequestLookup> {
    return lookupLog(this.hub, requestId);
  }

  async append(
    requestId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const { limits, tombstoneMs } = this;
    const token = randomUUID();
    const { epoch } = options;
    const append = { requestId, events, token, limits, tombstoneMs, epoch };
    const result = await appendBatch(this.hub, append);
    if (result.accepted) {
      const ended = events.length > 0 && isTerminal(events[events.length - 1]!.type);
      this.known.heard({ requestId, lastSeq: result.lastSeq, ended });
    }
    return result;
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
    const noticed = this.tails.take(requestId, afterSeq, maxEvents);
    if (noticed) return noticed;
    const knownLive = this.known.settled(requestId) !== undefined;
    const entry = this.known.readStarting(requestId);
    const bytesPerEntry = this.entrySizes.bytesPerEntry(requestId);
    const read = { requestId, afterSeq, maxEvents, knownLive, bytesPerEntry };
    const snapshot = await readLog(this.hub, read);
    if (!snapshot || snapshot.batch.ended) this.entrySizes.forget(requestId);
    else this.entrySizes.remember(requestId, snapshot.bytesPerEntry);
    if (!snapshot) this.known.readAnswered(requestId, entry, undefined);
    else if (snapshot.progress) this.known.readAnswered(requestId, entry, snapshot.progress);
    return this.closed ? undefined : snapshot?.batch;
  }

  waitForEvents(requestId: string, afterSeq: number, signal: WaitSignal): Promise<void> {
    return this.waiters.wait(requestId, afterSeq, signal);
  }

  close(): Promise<void> {
    this.closed = true;
    this.waiters.close();
    return Promise.resolve();
  }
}

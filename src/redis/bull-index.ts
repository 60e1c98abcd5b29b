import { randomUUID } from 'node:crypto';
import type { QueueEntry } from '../dispatch/request-queue.js';
import {
  boundArgument,
  type AdmissionBounds,
  type AdmissionOutcome,
  type AdmissionWrites,
} from './bull-admission.js';
import {
  ADMIT_SCRIPT,
  ANNOUNCE_IF_WAITING_SCRIPT,
  APP_WAIT_SCRIPT,
  FORGET_SCRIPT,
  LIST_SCRIPT,
  UNLIST_SCRIPT,
  WALK_SCRIPT,
} from './bull-index-scripts.js';
import { COUNTER_SPAN, indexScore } from './bull-priority.js';
import type { AppQueueStats } from '../dispatch/request-queue.js';
import { laneName, type Lane } from './bull-lane-name.js';
import type { RedisHub } from './redis-hub.js';

/** What the index keeps of a request: its entry without the payload, and its place. */
export interface IndexRecord {
  readonly score: number;
  readonly entry: QueueEntry;
  /** When it was listed (ms since the epoch; missing in records of older versions). */
  readonly listedAt?: number;
  /** Unique to the call that listed it, so a re-sent call tells its own listing. */
  readonly call?: string;
}

/**
 * A new entry's record as the listing scripts take it: the JSON after its first member,
 * the score (which the script numbers), and the base of that score, behind its priority.
 */
function listingOf(entry: QueueEntry): { rest: string; base: number } {
  const { request: _payload, ...listed } = entry;
  const rest: Omit<IndexRecord, 'score'> = {
    entry: listed,
    listedAt: Date.now(),
    call: randomUUID(),
  };
  return { rest: `,${JSON.stringify(rest).slice(1)}`, base: indexScore(entry.priority, 0) };
}

/** The admission script's answers. */
const ADMISSION_OUTCOMES = new Map<number, AdmissionOutcome>([
  [1, 'admitted'],
  [0, 'taken'],
  [-1, 'full'],
  [-2, 'exists'],
]);

const PAGE_SIZE = 100;
const MAX_PAGES = 10_000;

/** How long a gate remembers who passed it, for that call's re-send (a Redis outage). */
const GATE_MEMORY_MS = 10 * 60 * 1000;

/**
 * The BullMQ queue's own view of what waits, across lanes: BullMQ orders each lane, this
 * orders them all. Sorted sets (every lane, per app, per lane) scored by
 * {@link indexScore}, and a hash of {@link IndexRecord}s by request id.
 *
 * @example
 * const index = new BullIndex(hub);
 * await index.list(entry);
 * for await (const waiting of index.walk()) console.log(waiting.requestId);
 */
export class BullIndex {
  private readonly recordsKey: string;
  private readonly allKey: string;

  constructor(private readonly hub: RedisHub) {
    this.recordsKey = hub.key('queue-index', 'records');
    this.allKey = hub.key('queue-index', 'all');
  }

  /**
   * Lists a new entry behind its priority; `false` when its id is already known. The record
   * is the duplicate check: it lives from enqueue until the request is settled, lost or
   * removed, while the sorted sets hold only what waits.
   */
  async list(entry: QueueEntry): Promise<boolean> {
    const { rest, base } = listingOf(entry);
    const keys = [this.recordsKey, this.counterKey, ...this.setsOf(entry)];
    return (await LIST_SCRIPT.run(this.hub.command, keys, [entry.requestId, rest, base])) === 1;
  }

  /**
   * Lists a new entry, as {@link list} does, only if its lane has room within `bounds`,
   * checked in the same script, which also makes the `writes` (unless a key they need
   * absent exists: then nothing is listed). `runningKeys`: the BullMQ active lists of the
   * app's lanes, the entry's own lane first.
   */
  async admit(
    entry: QueueEntry,
    admission: {
      readonly bounds: AdmissionBounds;
      readonly runningKeys: readonly string[];
      readonly writes?: readonly AdmissionWrites[];
    },
  ): Promise<AdmissionOutcome> {
    const { rest, base } = listingOf(entry);
    const { queued, concurrent, capacity } = admission.bounds;
    const bounds = [queued, concurrent, capacity].map(boundArgument);
    const writes = admission.writes ?? [];
    const absent = writes.flatMap((each) => each.absent);
    const hashes = writes.flatMap((each) => each.hashes);
    const keys = [this.recordsKey, this.counterKey, ...this.setsOf(entry)];
    keys.push(...admission.runningKeys, ...absent, ...hashes.map((hash) => hash.key));
    const hashWrites = JSON.stringify(hashes.map((hash) => [hash.ttlMs, hash.fields]));
    const counts = [admission.runningKeys.length, absent.length];
    const args = [entry.requestId, rest, base, ...bounds, ...counts, hashWrites];
    const outcome = await ADMIT_SCRIPT.run(this.hub.command, keys, args);
    if (outcome === 1) for (const each of writes) each.written?.();
    return ADMISSION_OUTCOMES.get(Number(outcome)) ?? 'full';
  }

  /** Lists a known request again at its first place (its run was lost and is retried). */
  async relist(record: IndexRecord): Promise<void> {
    const transaction = this.hub.command.multi();
    for (const key of this.setsOf(record.entry))
      transaction.zadd(key, record.score, record.entry.requestId);
    await transaction.exec();
  }

  /**
   * Takes an entry off the sorted sets; `true` only for the one call that did (`token`
   * tells that call's re-send from another call).
   */
  async unlist(
    entry: Lane & { readonly requestId: string },
    token: string = randomUUID(),
  ): Promise<boolean> {
    const marker = this.hub.key('queue-index', 'unlisted', entry.requestId);
    const keys = [marker, ...this.setsOf(entry)];
    const args = [entry.requestId, token, GATE_MEMORY_MS];
    return (await UNLIST_SCRIPT.run(this.hub.command, keys, args)) === 1;
  }

  /** The record of a request enqueued and not yet settled, lost or removed. */
  async lookup(requestId: string): Promise<IndexRecord | undefined> {
    const value = await this.hub.command.hget(this.recordsKey, requestId);
    return value === null ? undefined : (JSON.parse(value) as IndexRecord);
  }

  /** Drops a request's record: it is over. `true` only for the one call that did. */
  async forget(requestId: string, token: string = randomUUID()): Promise<boolean> {
    const keys = [this.recordsKey, this.hub.key('queue-index', 'forgotten', requestId)];
    const args = [requestId, token, GATE_MEMORY_MS];
    return (await FORGET_SCRIPT.run(this.hub.command, keys, args)) === 1;
  }

  /** The records of some requests, `undefined` for those that are over. */
  async records(requestIds: readonly string[]): Promise<Array<IndexRecord | undefined>> {
    if (requestIds.length === 0) return [];
    const values = await this.hub.command.hmget(this.recordsKey, ...requestIds);
    return values.map((value) => (value === null ? undefined : (JSON.parse(value) as IndexRecord)));
  }

  /** The first `count` ids listed in a lane, in start order. */
  laneHead(lane: Lane, count: number): Promise<string[]> {
    return this.hub.command.zrange(this.laneKey(lane), 0, count - 1);
  }

  /** Whether each of these ids is listed in the lane. */
  async listedIn(lane: Lane, requestIds: readonly string[]): Promise<boolean[]> {
    if (requestIds.length === 0) return [];
    const scores = await this.hub.command.zmscore(this.laneKey(lane), ...requestIds);
    return scores.map((score) => score !== null);
  }

  /** The channel that says something waits anew: an enqueue, a lost run put back. */
  get queuedChannel(): string {
    return this.hub.channel('queued');
  }

  /** Tells every process, on {@link queuedChannel}, that an entry of `appId` waits anew. */
  async announce(appId: string): Promise<void> {
    await this.hub.command.publish(this.queuedChannel, appId);
  }

  /**
   * {@link announce}s `appId` only while some entry waits, in any lane (one step): `false`,
   * and nothing published, when nothing does.
   */
  async announceIfWaiting(appId: string): Promise<boolean> {
    const args = [this.queuedChannel, appId];
    return (await ANNOUNCE_IF_WAITING_SCRIPT.run(this.hub.command, [this.allKey], args)) === 1;
  }

  /** Waiting entries of the same app ahead of this one. */
  async position(requestId: string): Promise<number | undefined> {
    const record = await this.lookup(requestId);
    if (!record) return undefined;
    const rank = await this.hub.command.zrank(this.appKey(record.entry.appId), requestId);
    return rank ?? undefined;
  }

  /** How many entries wait, in every lane. */
  depth(): Promise<number> {
    return this.hub.command.zcard(this.allKey);
  }

  /** How many entries of one app wait, and since when the oldest (one script). */
  async appStats(appId: string): Promise<AppQueueStats> {
    const keys = [this.appKey(appId), this.recordsKey];
    const reply = (await APP_WAIT_SCRIPT.run(this.hub.command, keys, [COUNTER_SPAN])) as [
      number,
      string,
    ];
    const oldest = Number(reply[1]);
    return { appId, depth: Number(reply[0]), oldestEnqueuedAt: oldest < 0 ? undefined : oldest };
  }

  /** How many entries of one lane wait. */
  laneDepth(lane: Lane): Promise<number> {
    return this.hub.command.zcard(this.laneKey(lane));
  }

  /** Every waiting entry (without its payload), in start order, read a page at a time. */
  async *walk(): AsyncGenerator<QueueEntry> {
    let after = '-inf';
    const keys = [this.allKey, this.recordsKey];
    for (let page = 0; page < MAX_PAGES; page++) {
      const pairs = (await WALK_SCRIPT.run(this.hub.command, keys, [after, PAGE_SIZE])) as Array<
        string | null
      >;
      if (pairs.length === 0) return;
      after = `(${pairs[pairs.length - 2]}`;
      for (let index = 1; index < pairs.length; index += 2) {
        const record = pairs[index];
        if (record) yield (JSON.parse(record) as IndexRecord).entry;
      }
      if (pairs.length < 2 * PAGE_SIZE) return;
    }
  }

  private get counterKey(): string {
    return this.hub.key('queue-index', 'counter');
  }

  private setsOf(lane: Lane): string[] {
    return [this.allKey, this.appKey(lane.appId), this.laneKey(lane)];
  }

  private appKey(appId: string): string {
    return this.hub.key('queue-index', 'app', appId);
  }

  private laneKey(lane: Lane): string {
    return this.hub.key('queue-index', 'lane', laneName(lane));
  }
}

import type { QueueEntry } from '../dispatch/request-queue.js';
import { indexScore } from './bull-priority.js';
import { laneName, type Lane } from './bull-lane-name.js';
import type { RedisHub } from './redis-hub.js';

/** What the index keeps of a request: its entry without the payload, and its place. */
export interface IndexRecord {
  readonly score: number;
  readonly entry: QueueEntry;
}

const PAGE_SIZE = 100;
const MAX_PAGES = 10_000;

// The record is the duplicate check: it lives from enqueue until the request is settled,
// lost or removed, while the sorted sets hold only what waits.
const LIST = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
for index = 2, #KEYS do redis.call('ZADD', KEYS[index], ARGV[3], ARGV[1]) end
return 1`;

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

  /** Lists a new entry behind its priority; `false` when its id is already known. */
  async list(entry: QueueEntry): Promise<boolean> {
    const counter = await this.hub.command.incr(this.hub.key('queue-index', 'counter'));
    const { request: _payload, ...listed } = entry;
    const record: IndexRecord = { score: indexScore(entry.priority, counter), entry: listed };
    const keys = [this.recordsKey, ...this.setsOf(entry)];
    const added = await this.hub.command.eval(
      LIST,
      keys.length,
      ...keys,
      entry.requestId,
      JSON.stringify(record),
      record.score,
    );
    return added === 1;
  }

  /** Lists a known request again at its first place (its run was lost and is retried). */
  async relist(record: IndexRecord): Promise<void> {
    const transaction = this.hub.command.multi();
    for (const key of this.setsOf(record.entry))
      transaction.zadd(key, record.score, record.entry.requestId);
    await transaction.exec();
  }

  /** Takes an entry off the sorted sets; `true` only for the one call that did. */
  async unlist(entry: Lane & { readonly requestId: string }): Promise<boolean> {
    const transaction = this.hub.command.multi();
    for (const key of this.setsOf(entry)) transaction.zrem(key, entry.requestId);
    const results = await transaction.exec();
    return results?.[0]?.[1] === 1;
  }

  /** The record of a request enqueued and not yet settled, lost or removed. */
  async lookup(requestId: string): Promise<IndexRecord | undefined> {
    const value = await this.hub.command.hget(this.recordsKey, requestId);
    return value === null ? undefined : (JSON.parse(value) as IndexRecord);
  }

  /** Drops a request's record: it is over. `true` only for the one call that did. */
  async forget(requestId: string): Promise<boolean> {
    return (await this.hub.command.hdel(this.recordsKey, requestId)) === 1;
  }

  /** The channel that says something waits anew: an enqueue, a lost run put back. */
  get queuedChannel(): string {
    return this.hub.channel('queued');
  }

  /** Tells every process, on {@link queuedChannel}, that an entry of `appId` waits anew. */
  async announce(appId: string): Promise<void> {
    await this.hub.command.publish(this.queuedChannel, appId);
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

  /** How many entries of one lane wait. */
  laneDepth(lane: Lane): Promise<number> {
    return this.hub.command.zcard(this.laneKey(lane));
  }

  /** Every waiting entry (without its payload), in start order, read a page at a time. */
  async *walk(): AsyncGenerator<QueueEntry> {
    let after = '-inf';
    for (let page = 0; page < MAX_PAGES; page++) {
      const flat = await this.hub.command.zrangebyscore(
        this.allKey,
        after,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        0,
        PAGE_SIZE,
      );
      const ids = flat.filter((_value, index) => index % 2 === 0);
      if (ids.length === 0) return;
      after = `(${flat[flat.length - 1]}`;
      const records = await this.hub.command.hmget(this.recordsKey, ...ids);
      for (const record of records)
        if (record !== null) yield (JSON.parse(record) as IndexRecord).entry;
      if (ids.length < PAGE_SIZE) return;
    }
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

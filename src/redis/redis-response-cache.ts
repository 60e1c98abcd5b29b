import type {
  CachePolicy,
  CacheSlot,
  FlightClaim,
  FlightEntry,
  ResponseCache,
} from '../dispatch/response-cache.js';
import type { RedisHub } from './redis-hub.js';

/** Stores a result with its expiry, and keeps the scope's entries within `maxEntries`, oldest out first. */
const SET_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local maxEntries = tonumber(ARGV[3])
if maxEntries > 0 then
  local now = tonumber(ARGV[4])
  redis.call('ZADD', KEYS[2], now, KEYS[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  local over = redis.call('ZCARD', KEYS[2]) - maxEntries
  if over > 0 then
    local oldest = redis.call('ZPOPMIN', KEYS[2], over)
    for index = 1, #oldest, 2 do redis.call('DEL', oldest[index]) end
  end
end
return 1`;

/**
 * Claims a flight: the caller leads if none is held, or if the one held is the leader it
 * replaces (ARGV[2], empty for none); else answers the leader's request id ('' when led).
 */
const CLAIM_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[2] then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return ''`;

/** Deletes a flight only if the caller still leads it. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The response cache shared by every gateway of a Redis deployment: results are keys that
 * Redis itself expires after `ttlMs`; each scope's entries are kept within `maxEntries`
 * (oldest stored out first) in one script; a result larger than `maxBytes` is not kept
 * (the total of a scope's bytes is left to Redis's `maxmemory`); a flight is a key holding
 * its leader's request id, claimed in one script, so identical requests on any gateway
 * share one run.
 *
 * @example
 * const cache = new RedisResponseCache(hub);
 */
export class RedisResponseCache implements ResponseCache {
  constructor(private readonly hub: RedisHub) {}

  get({ scope, key }: CacheSlot): Promise<string | undefined> {
    return this.hub.command
      .get(this.hub.key('cache', scope, key))
      .then((json) => json ?? undefined);
  }

  async set(
    entry: CacheSlot & { readonly json: string; readonly policy: CachePolicy },
  ): Promise<void> {
    const { policy } = entry;
    if (policy.maxBytes !== undefined && Buffer.byteLength(entry.json) > policy.maxBytes) return;
    const keys = [
      this.hub.key('cache', entry.scope, entry.key),
      this.hub.key('cache-index', entry.scope),
    ];
    const args = [entry.json, Math.ceil(policy.ttlMs), policy.maxEntries ?? 0, Date.now()];
    await this.hub.command.eval(SET_SCRIPT, keys.length, ...keys, ...args);
  }

  async claim(entry: FlightEntry): Promise<FlightClaim> {
    const flight = this.hub.key('flight', entry.scope, entry.key);
    const ttl = Math.ceil(entry.flightTtlMs);
    const args = [entry.requestId, entry.replacing ?? '', ttl];
    const held = (await this.hub.command.eval(CLAIM_SCRIPT, 1, flight, ...args)) as string;
    return held === '' ? { leader: true } : { leader: false, leaderRequestId: held };
  }

  async release(entry: CacheSlot & { readonly requestId: string }): Promise<void> {
    const flight = this.hub.key('flight', entry.scope, entry.key);
    await this.hub.command.eval(RELEASE_SCRIPT, 1, flight, entry.requestId);
  }

  close(): Promise<void> {
    return Promise.resolve(); // the hub's connections close with the backends
  }
}

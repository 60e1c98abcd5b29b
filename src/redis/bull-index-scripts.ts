import { LuaScript } from './event-log-lua-script.js';

// ioredis re-sends a command whose reply was lost with the connection, and Redis may have
// run it already. Each gate below therefore remembers the token of the call that passed
// it, so that call's re-send passes again while every other call is still refused.

// A listing's score is its priority's base plus the next value of a counter (FIFO within a
// priority), taken in the script itself. Its record is JSON whose first member is that
// score; the caller sends the rest (ending with a token unique to the call), so a re-send
// of the call tells its own listing by the record's end.
const LISTING = `
local function list(first)
  local score = string.format('%.0f', tonumber(ARGV[3]) + redis.call('INCR', KEYS[2]))
  redis.call('HSET', KEYS[1], ARGV[1], '{"score":' .. score .. ARGV[2])
  for index = first, first + 2 do redis.call('ZADD', KEYS[index], score, ARGV[1]) end
end
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return string.sub(existing, -#ARGV[2]) == ARGV[2] and 1 or 0 end
`;

/**
 * Lists a new request. KEYS: records hash, counter, then the sorted sets (every lane, the
 * app's, the lane's). ARGV: request id, the record after its score, the priority's base
 * score. 1 when listed (or when this very call already listed it), 0 when the id is taken.
 */
export const LIST_SCRIPT = new LuaScript(`${LISTING}
list(3)
return 1
`);

/**
 * Takes a request off the sorted sets. KEYS: marker, then the sorted sets (every lane
 * first). ARGV: request id, call token, marker lifetime (ms). 1 for the call that did.
 */
export const UNLIST_SCRIPT = new LuaScript(`
local removed = redis.call('ZREM', KEYS[2], ARGV[1])
for index = 3, #KEYS do redis.call('ZREM', KEYS[index], ARGV[1]) end
if removed == 1 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return redis.call('GET', KEYS[1]) == ARGV[2] and 1 or 0
`);

/**
 * Drops a request's record. KEYS: records hash, marker. ARGV: request id, call token,
 * marker lifetime (ms). 1 for the call that did.
 */
export const FORGET_SCRIPT = new LuaScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 1
end
return redis.call('GET', KEYS[2]) == ARGV[2] and 1 or 0
`);

/**
 * Lists a new request only if its lane has room, in the same step: the check of the
 * limits and the write it guards are one script, so simultaneous requests on any number
 * of gateways never pass a limit together. KEYS: records hash, counter, the sorted sets
 * (every lane, the app's, the lane's), then the BullMQ active lists whose runs count
 * against the app's capacity, the lane's own first, then the keys that must be absent,
 * then the hashes to write. ARGV: as {@link LIST_SCRIPT}'s, then the bounds `queued`,
 * `concurrent`, `capacity` (-1 for none), the number of active lists, the number of keys
 * that must be absent, and the hashes' writes as JSON `[[ttlMs, [field, value, …]], …]`.
 *
 * Room: the lane's run slots free now (under `concurrent` and the app's `capacity`),
 * plus `queued`. Listed requests fill the free slots first, as they will start at once;
 * a run BullMQ just made active is still listed until its worker unlists it, and counts
 * once. The hashes are written as the request is listed, and only then. 1 when listed
 * (or when this very call already listed it), 0 when the id is taken, -1 when the lane is
 * full, -2 when a key that must be absent exists.
 */
export const ADMIT_SCRIPT = new LuaScript(`${LISTING}
local function room(limit, used)
  if limit < 0 then return math.huge end
  return limit - used
end
local lastRunning = 5 + tonumber(ARGV[7])
local laneRunning = redis.call('LLEN', KEYS[6])
local appRunning = laneRunning
for index = 7, lastRunning do appRunning = appRunning + redis.call('LLEN', KEYS[index]) end
local waiting = redis.call('ZCARD', KEYS[5])
for _, id in ipairs(redis.call('LRANGE', KEYS[6], 0, -1)) do
  if redis.call('ZSCORE', KEYS[5], id) then waiting = waiting - 1 end
end
local concurrent = room(tonumber(ARGV[5]), laneRunning)
local free = math.max(0, math.min(concurrent, room(tonumber(ARGV[6]), appRunning)))
if waiting >= free + room(tonumber(ARGV[4]), 0) then return -1 end
local lastAbsent = lastRunning + tonumber(ARGV[8])
for index = lastRunning + 1, lastAbsent do
  if redis.call('EXISTS', KEYS[index]) == 1 then return -2 end
end
for offset, hash in ipairs(cjson.decode(ARGV[9])) do
  local key = KEYS[lastAbsent + offset]
  redis.call('HSET', key, unpack(hash[2]))
  redis.call('PEXPIRE', key, hash[1])
end
list(3)
return 1
`);

/**
 * A page of the waiting requests, in start order, with their records: one round trip where
 * the sorted set and the hash would take two. KEYS: every lane's sorted set, records hash.
 * ARGV: the lowest score (`-inf`, or `(score` to start after one), the page size. Returns
 * `score, record` pairs; a record that is gone (settled meanwhile) is nil.
 */
export const WALK_SCRIPT = new LuaScript(`
local flat = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local page = {}
for index = 1, #flat, 2 do
  page[#page + 1] = flat[index + 1]
  page[#page + 1] = redis.call('HGET', KEYS[2], flat[index]) or false
end
return page
`);

/**
 * One app's waiting requests: how many, and when the oldest was enqueued. Within one
 * priority the first is the oldest (FIFO), so it reads the head of each priority band
 * present, up to 64 bands. KEYS: the app's sorted set, records hash. ARGV: the score's
 * counter span. Returns `{depth, oldest enqueuedAt or -1}`.
 */
export const APP_WAIT_SCRIPT = new LuaScript(`
local span = tonumber(ARGV[1])
local depth = redis.call('ZCARD', KEYS[1])
local oldest = -1
local low = '-inf'
for band = 1, 64 do
  local head = redis.call('ZRANGEBYSCORE', KEYS[1], low, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if #head == 0 then break end
  local record = redis.call('HGET', KEYS[2], head[1])
  if record then
    local enqueuedAt = cjson.decode(record).entry.enqueuedAt
    if enqueuedAt and (oldest == -1 or enqueuedAt < oldest) then oldest = enqueuedAt end
  end
  low = string.format('%.0f', (math.floor(tonumber(head[2]) / span) + 1) * span)
end
return {depth, string.format('%.0f', oldest)}
`);

/**
 * Publishes an app's id on the queued channel only while something waits, in any lane.
 * KEYS: every lane's sorted set. ARGV: channel, app id. 1 when it published.
 */
export const ANNOUNCE_IF_WAITING_SCRIPT = new LuaScript(`
if redis.call('ZCARD', KEYS[1]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`);

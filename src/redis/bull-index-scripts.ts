import { LuaScript } from './event-log-lua-script.js';

// ioredis re-sends a command whose reply was lost with the connection, and Redis may have
// run it already. Each gate below therefore remembers the token of the call that passed
// it, so that call's re-send passes again while every other call is still refused.

/**
 * Lists a new request. KEYS: records hash, then the sorted sets. ARGV: request id, record
 * JSON, score. The record holds an INCR counter, so it is unique per call: 1 when listed
 * (or when this very call already listed it), 0 when the id is taken.
 */
export const LIST_SCRIPT = new LuaScript(`
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return existing == ARGV[2] and 1 or 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for index = 2, #KEYS do redis.call('ZADD', KEYS[index], ARGV[3], ARGV[1]) end
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

import { LuaScript } from './event-log-lua-script.js';

/**
 * Creates a request's log unless its id is taken (live, ended or tombstoned). KEYS: meta,
 * events, tombstone. ARGV: create token, backstop expiry (ms), then the meta's fields and
 * values in turn (`logCreationWrites`, the token among them as `createToken`). Answers 1
 * when created (or when this very call already created it and is re-sent after a
 * reconnect), 0 when the id is taken. The backstop ends a log that never ends (its gateway
 * crashed before anything ran it); the terminal event replaces it with the retention.
 * Fields the append script finds missing (latest progress and preview) count as 0.
 */
export const CREATE_SCRIPT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGET', KEYS[1], 'createToken') == ARGV[1] and 1 or 0
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/**
 * What is known of a request. KEYS: meta, events, tombstone. Answers
 * `{'live'|'ended', record, lastSeq}`, `{'expired', record}` or `{'unknown'}`.
 */
export const LOOKUP_SCRIPT = new LuaScript(`
local state = redis.call('HMGET', KEYS[1], 'record', 'lastSeq', 'ended')
if state[1] then
  return {state[3] == '1' and 'ended' or 'live', state[1], tonumber(state[2])}
end
local record = redis.call('GET', KEYS[3])
if record then return {'expired', record} end
return {'unknown'}
`);

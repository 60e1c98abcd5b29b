import { LuaScript } from './event-log-lua-script.js';

/**
 * Creates a request's log unless its id is taken (live, ended or tombstoned). KEYS: meta,
 * events, tombstone. ARGV: record JSON, create token, backstop expiry (ms). Answers 1 when
 * created (or when this very call already created it and is re-sent after a reconnect), 0
 * when the id is taken. The backstop ends a log that never ends (its gateway crashed before
 * anything ran it); the terminal event replaces it with the retention.
 */
export const CREATE_SCRIPT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGET', KEYS[1], 'createToken') == ARGV[2] and 1 or 0
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'createToken', ARGV[2], 'lastSeq', 0,
  'count', 0, 'bytes', 0, 'ended', 0, 'progressSeq', 0, 'progressBytes', 0,
  'previewSeq', 0, 'previewBytes', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
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

/**
 * Reads the events after a seq. KEYS: meta, events. ARGV: afterSeq, maxEvents, batchBytes.
 * Answers nil for a missing log, else `{lastSeq, ended, seq, type, json, seq, type, json…}`.
 * The stream holds no superseded event (the append script sees to it), so every entry
 * examined is sent. Payload is measured in UTF-16 code units, as the memory log measures it.
 */
export const READ_SCRIPT = new LuaScript(`
local state = redis.call('HMGET', KEYS[1], 'lastSeq', 'ended')
if not state[1] then return nil end
local afterSeq, maxEvents, batchBytes = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])

local function textLength(json)
  if not string.find(json, '[\\128-\\255]') then return #json end
  local _, continuations = string.gsub(json, '[\\128-\\191]', '')
  local _, surrogatePairs = string.gsub(json, '[\\240-\\247]', '')
  return #json - continuations + surrogatePairs
end

local reply = {afterSeq, 0}
local count, bytes = 0, 0
local start = '(' .. afterSeq .. '-0'
while count < maxEvents and bytes < batchBytes do
  local entries = redis.call('XRANGE', KEYS[2], start, '+', 'COUNT', math.min(maxEvents - count, 64))
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    if count >= maxEvents or bytes >= batchBytes then break end
    local seq = tonumber(string.match(entry[1], '^(%d+)'))
    local fields = entry[2]
    count = count + 1
    bytes = bytes + textLength(fields[4])
    reply[1] = seq
    table.insert(reply, seq)
    table.insert(reply, fields[2])
    table.insert(reply, fields[4])
  end
  start = '(' .. entries[#entries][1]
end
if state[2] == '1' and reply[1] >= tonumber(state[1]) then reply[2] = 1 end
return reply
`);

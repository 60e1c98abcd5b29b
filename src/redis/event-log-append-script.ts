import { LuaScript } from './event-log-lua-script.js';

/**
 * Appends one batch to a request's log, atomically. KEYS: meta, events, tombstone. ARGV:
 * token, maxEvents, maxBytes, retentionMs, tombstoneMs, channel, requestId, then type, json
 * and counted size of each event. Answers `{outcome, lastSeq}`.
 *
 * The stream never holds a superseded progress or preview: a new one replaces (XDEL) the
 * one it supersedes, and one superseded inside its own batch is numbered but not stored.
 * Reads leave superseded events out anyway, so this keeps what readers see and which
 * appends fit exactly as the memory log has them, while reads never scan dead entries.
 * A live log's stream expires with its meta (the create's backstop); the terminal event
 * sets the retention on both.
 * The answers of the last few batch tokens are kept, so a batch re-sent after a reconnect
 * gets its first answer instead of being appended twice.
 */
export const APPEND_SCRIPT = new LuaScript(`
local meta, stream, tombstone = KEYS[1], KEYS[2], KEYS[3]
local token = ARGV[1]
local RECENT_TOKENS = 8

local function answer(text)
  if string.sub(text, 1, 1) == 'a' then return {'accepted', tonumber(string.sub(text, 2))} end
  return {text, 0}
end

local function remember(recent, text)
  local kept = {token .. '=' .. text}
  for entry in string.gmatch(recent, '[^;]+') do
    if #kept >= RECENT_TOKENS then break end
    kept[#kept + 1] = entry
  end
  redis.call('HSET', meta, 'recent', table.concat(kept, ';'))
  return answer(text)
end

local state = redis.call('HMGET', meta, 'lastSeq', 'count', 'bytes', 'ended', 'recent',
  'progressSeq', 'progressBytes', 'previewSeq', 'previewBytes')
if not state[1] then return {'missing', 0} end
local recent = state[5] or ''
for entry in string.gmatch(recent, '[^;]+') do
  local entryToken, text = string.match(entry, '^([^=]+)=(.*)$')
  if entryToken == token then return answer(text) end
end
if state[4] == '1' then return remember(recent, 'ended') end

local maxEvents, maxBytes = tonumber(ARGV[2]), tonumber(ARGV[3])
local lastSeq, count, bytes = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
local latest = {
  progress = {seq = tonumber(state[6]), bytes = tonumber(state[7])},
  preview = {seq = tonumber(state[8]), bytes = tonumber(state[9])},
}
local total = (#ARGV - 7) / 3
local function event(index)
  local base = 7 + (index - 1) * 3
  return ARGV[base + 1], ARGV[base + 2], tonumber(ARGV[base + 3])
end
local lastKind = total > 0 and event(total) or ''
local ends = lastKind == 'result' or lastKind == 'error'
local body = ends and total - 1 or total

local lastOfKind = {}
for index = 1, body do
  local kind = event(index)
  if latest[kind] then lastOfKind[kind] = index end
end
local function isStored(index, kind)
  return index > body or not lastOfKind[kind] or lastOfKind[kind] == index
end

for kind in pairs(lastOfKind) do
  if latest[kind].seq > 0 then
    count = count - 1
    bytes = bytes - latest[kind].bytes
  end
end
for index = 1, body do
  local kind, _, size = event(index)
  if isStored(index, kind) then
    count = count + 1
    bytes = bytes + size
  end
end
if count > maxEvents or bytes > maxBytes then return remember(recent, 'full') end

for kind in pairs(lastOfKind) do
  if latest[kind].seq > 0 then redis.call('XDEL', stream, latest[kind].seq .. '-0') end
end
local fields = {}
for index = 1, total do
  local kind, json, size = event(index)
  local seq = lastSeq + index
  if isStored(index, kind) then
    redis.call('XADD', stream, 'MAXLEN', maxEvents + 1, seq .. '-0', 'type', kind, 'json', json)
  end
  if lastOfKind[kind] == index then
    table.insert(fields, kind .. 'Seq')
    table.insert(fields, seq)
    table.insert(fields, kind .. 'Bytes')
    table.insert(fields, size)
  end
  if index > body then
    count = count + 1
    bytes = bytes + size
  end
end
lastSeq = lastSeq + total
redis.call('HSET', meta, 'lastSeq', lastSeq, 'count', count, 'bytes', bytes,
  'ended', ends and 1 or 0, unpack(fields))
if not ends then
  -- The stream shares the backstop expiry its meta got at create (the events may be new).
  local backstop = redis.call('PTTL', meta)
  if backstop > 0 then redis.call('PEXPIRE', stream, backstop) end
else
  local retention = math.max(1, tonumber(ARGV[4]))
  redis.call('PEXPIRE', meta, retention)
  redis.call('PEXPIRE', stream, retention)
  local record = redis.call('HGET', meta, 'record')
  redis.call('SET', tombstone, record, 'PX', retention + math.max(0, tonumber(ARGV[5])))
end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return remember(recent, 'a' .. lastSeq)
`);

import { LuaScript } from './event-log-lua-script.js';

/**
 * Appends one planned batch (`planAppend`) to a request's log, atomically. KEYS: meta,
 * events, tombstone. ARGV: token, maxEvents, maxBytes, retentionMs, tombstoneMs, channel,
 * requestId, total, ends (0/1), bodyCount, bodyBytes, terminalBytes, progress offset and
 * bytes, preview offset and bytes (offset 0: none in the body), each entry's offset (of
 * its last event, space-separated), the writer's epoch, the notice's tail (`noticeTail`,
 * empty for a big batch), then each entry's field and value (`planAppend`: a run of
 * outputs and logs is one entry, field `pack`). Answers `{outcome, lastSeq}`.
 *
 * The stream never holds a superseded progress or preview: a new one replaces (XDEL) the
 * one it supersedes, and one superseded inside its own batch is numbered but not stored.
 * Reads leave superseded events out anyway, so this keeps what readers see and which
 * appends fit exactly as the memory log has them, while a read is a plain `XRANGE`.
 * Every `XADD` carries `MAXLEN maxEvents + 1` (the terminal event may pass the caps): the
 * exact caps, counted per event, are enforced before it, so it never trims (a stream has
 * no more entries than events), but no stream can outgrow it.
 * A live log's stream expires with its meta (the create's backstop); the terminal event
 * sets the retention on both and leaves the record as a tombstone.
 * The notification `<lastSeq>:<ended 0|1>:<requestId>` tells waiters all they need; for a
 * small batch `\n<lastSeq before it>\n<tail>` follows, so that they need not read it.
 * Appends carry the writer's epoch: a run's attempt (1, 2… for a retried run), or 0 for
 * whoever ends a request from outside its run. Once an attempt has written, an older
 * attempt is refused as `ended`, so a worker that lost its run never interleaves its
 * events with the retry's; epoch 0 is never refused for its epoch.
 * The answers of the last few batch tokens are kept (`;token=answer` entries), so a batch
 * re-sent after a reconnect gets its first answer instead of being appended twice.
 */
export const APPEND_SCRIPT = new LuaScript(`
local meta, stream, tombstone = KEYS[1], KEYS[2], KEYS[3]
local token = ARGV[1]
local RECENT_CHARS = 400

local state = redis.call('HMGET', meta, 'lastSeq', 'count', 'bytes', 'ended', 'recent',
  'progressSeq', 'progressBytes', 'previewSeq', 'previewBytes', 'epoch')
if not state[1] then return {'missing', 0} end
local recent = state[5] or ''
local found = string.find(recent, ';' .. token .. '=', 1, true)
if found then
  local text = string.match(recent, '^;[^=]*=([^;]*)', found)
  if string.sub(text, 1, 1) == 'a' then return {'accepted', tonumber(string.sub(text, 2))} end
  return {text, 0}
end

local function remembered(text)
  local entry = ';' .. token .. '=' .. text
  if #entry + #recent <= RECENT_CHARS then return entry .. recent end
  local room = math.max(0, RECENT_CHARS - #entry)
  return entry .. (string.match(string.sub(recent, 1, room), '^(.*);') or '')
end
local function refuse(reason)
  redis.call('HSET', meta, 'recent', remembered(reason))
  return {reason, 0}
end
if state[4] == '1' then return refuse('ended') end
-- A writer of an older attempt (a worker that lost the run) is refused once a newer one wrote.
local epoch = tonumber(ARGV[18])
local current = tonumber(state[10] or 0)
if epoch > 0 and epoch < current then return refuse('ended') end

local lastSeq = tonumber(state[1])
local count = tonumber(state[2]) + tonumber(ARGV[10])
local bytes = tonumber(state[3]) + tonumber(ARGV[11])
local fields = {}
local replaced = {}
for kind, place in pairs({progress = {13, 6}, preview = {15, 8}}) do
  local offset = tonumber(ARGV[place[1]])
  if offset > 0 then
    local previous = tonumber(state[place[2]] or 0)
    if previous > 0 then
      count = count - 1
      bytes = bytes - tonumber(state[place[2] + 1] or 0)
      replaced[#replaced + 1] = previous .. '-0'
    end
    fields[#fields + 1] = kind .. 'Seq'
    fields[#fields + 1] = lastSeq + offset
    fields[#fields + 1] = kind .. 'Bytes'
    fields[#fields + 1] = ARGV[place[1] + 1]
  end
end
if count > tonumber(ARGV[2]) or bytes > tonumber(ARGV[3]) then return refuse('full') end

local ends = ARGV[9] == '1'
if ends then
  count = count + 1
  bytes = bytes + tonumber(ARGV[12])
end
if #replaced > 0 then redis.call('XDEL', stream, unpack(replaced)) end
local FIRST = 20
-- The caps above are exact; MAXLEN is the stream's hard bound (+1: the terminal event).
local cap = tonumber(ARGV[2]) + 1
local index = FIRST
for offset in string.gmatch(ARGV[17], '%d+') do
  redis.call('XADD', stream, 'MAXLEN', cap, lastSeq + offset, ARGV[index], ARGV[index + 1])
  index = index + 2
end

local firstEvents = lastSeq == 0
local before = lastSeq
lastSeq = lastSeq + tonumber(ARGV[8])
redis.call('HSET', meta, 'epoch', math.max(epoch, current), 'lastSeq', lastSeq, 'count', count, 'bytes', bytes,
  'ended', ends and 1 or 0, 'recent', remembered('a' .. lastSeq), unpack(fields))
if ends then
  local retention = math.max(1, tonumber(ARGV[4]))
  redis.call('PEXPIRE', meta, retention)
  redis.call('PEXPIRE', stream, retention)
  local record = redis.call('HGET', meta, 'record')
  redis.call('SET', tombstone, record, 'PX', retention + math.max(0, tonumber(ARGV[5])))
elseif firstEvents then
  -- The stream is new: it shares the backstop expiry its meta got at create.
  local backstop = redis.call('PTTL', meta)
  if backstop > 0 then redis.call('PEXPIRE', stream, backstop) end
end
local notice = lastSeq .. (ends and ':1:' or ':0:') .. ARGV[7]
if ARGV[19] ~= '' then notice = notice .. '\\n' .. before .. '\\n' .. ARGV[19] end
redis.call('PUBLISH', ARGV[6], notice)
return {'accepted', lastSeq}
`);

/**
 * Lua helpers shared by the schedule scripts, pasted after the common
 * prelude. Times are passed as decimal strings and used as such in ids, so
 * no epoch value goes through Lua's number formatting.
 *
 * @module
 */

/**
 * `occurrence_opts(opts, sid, at)`: the per-job options JSON of an
 * occurrence: the schedule's options object plus `schedule: {id, at}`. Text
 * that is not a JSON object counts as `{}`; the object's own text is kept
 * (white space included), so no number goes through cjson. The memory
 * store's `occurrenceOptions` gives the same options.
 *
 * `create_occurrence(jobPrefix, deferred, signal, sid, at, actor, args, opts, now)`:
 * stores the occurrence job `<sid>@<at>` as a deferred job due at `at`,
 * unless a job with that id exists (then it returns 0 and changes nothing).
 *
 * `remove_pending(jobPrefix, deferred, ready, sid, at)`: deletes the
 * occurrence `<sid>@<at>` if it has not started (status deferred or queued).
 */
export const LUA_SCHEDULE = `
--- @include new_job
--- @include signal_work
--- @include flow
local function occurrence_opts(opts, sid, at)
  local tail = '"schedule":{"id":' .. cjson.encode(sid) .. ',"at":' .. at .. '}}'
  local inner = opts and string.match(opts, '^%s*{(.*)}%s*$')
  if not inner or not string.find(inner, '%S') then return '{' .. tail end
  local ok, v = pcall(cjson.decode, opts)
  if not ok or type(v) ~= 'table' then return '{' .. tail end
  return '{' .. inner .. ',' .. tail
end
local function create_occurrence(jobPrefix, deferred, signal, sid, at, actor, args, opts, now)
  local id = sid .. '@' .. at
  local key = jobPrefix .. id
  if redis.call('EXISTS', key) == 1 then return 0 end
  new_job(key, actor, args, 'deferred', now, at, occurrence_opts(opts, sid, at),
    flow_base(jobPrefix, 'job:'), id)
  redis.call('ZADD', deferred, at, id)
  signal_work(signal)
  return 1
end
local function remove_pending(jobPrefix, deferred, ready, sid, at)
  if not at then return 0 end
  local id = sid .. '@' .. at
  local key = jobPrefix .. id
  local st = redis.call('HGET', key, 'status')
  if st == 'deferred' or st == 'queued' then
    local base = flow_base(jobPrefix, 'job:')
    redis.call('ZREM', deferred, id)
    redis.call('ZREM', base .. 'expiring', id)
    if st == 'queued' then flow_unqueue(base, key, id) end
    redis.call('DEL', key)
    return 1
  end
  return 0
end
`;

/**
 * Fragment `finish_job`: index a job that finished, and take a job out of
 * the finished-jobs indexes.
 *
 * The index of a status (`<states><status>`, a ZSET) is scored by when the
 * records expire; one entry holds the ids of the jobs that one script call
 * finished with that status and expiry (at most INDEX_ENTRY_IDS, each
 * written `<bytes>:<id>`, oldest first), so that a call acking a batch of
 * jobs pays one ZADD, not one per job. The HASH `<states>finished-count`
 * counts the ids each index holds; `counts` takes off those of expired
 * entries not yet trimmed, so it is exact. A finished job's record keeps
 * its entry's score in its field `ixs`.
 *
 * `finish_job(states, key, id, status, now, ttl, keep)`: the job hash `key`
 * of job `id`, whose fields the caller has written (status `done`, `failed`,
 * `dead` or `cancelled`, and `ixs` = now + ttl, in the same HSET), is kept
 * for `ttl` ms and will be listed in the index of its status, scored
 * `now + ttl`; `keep` is the retention of that status (0: no limit),
 * applied by `trim_finished`.
 *
 * `trim_finished(states, now)`: once per script call, after its last
 * `finish_job` (nothing may read an index between the two): writes the
 * index entries of the call and their counts; then for each status a job
 * was indexed under, up to FINISHED_TRIM_BATCH entries whose jobs expired
 * leave the index, and when the retention is above 0 and the index holds
 * more live jobs than it, the oldest (up to FINISHED_TRIM_BATCH of them)
 * are deleted with their records. It also adds the jobs the call finished,
 * per status, to the throughput HASH of the minute
 * (`<states>throughput:<now / 60000>`, field = status; one HINCRBY per
 * status per call), which expires THROUGHPUT_KEEP_MS after the first count
 * of a status in that minute (`q.throughput()`).
 *
 * `unfinish_job(states, key, id, status)`: takes `id` (record `key`) out of
 * the index of `status` (the job is requeued, removed or replaced); does
 * nothing unless `status` is a finished status.
 *
 * `take_finished(states, status, max)`: takes up to `max` ids out of the
 * index of `status`, those that expire first, and returns them (purge,
 * requeue and retention; an expired job's id among them has no record).
 *
 * `index_ids(entry)` and `index_size(entry)`: the ids of an index entry,
 * and how many it holds. `index_live(states, status, now)`: how many
 * unexpired jobs the index holds.
 *
 * The memory store's counterparts are `finishRecord` and `unfinishRecord`
 * in `src/backend/memory/records.ts`.
 *
 * @module
 */

import {
  FINISHED_TRIM_BATCH,
  INDEX_ENTRY_IDS,
  THROUGHPUT_KEEP_MS,
  THROUGHPUT_MINUTE_MS,
} from "../../../../core/store_limits.ts";
import { FINISHED_COUNT_KEY_PART, JOB_KEY_PART, THROUGHPUT_KEY_PART } from "../../keys.ts";
import { luaString } from "../lua_text.ts";
import { FINISHED_STATES } from "../../../../core/queue_state.ts";

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { FINISH_JOB } from "./finish_job.ts";
 *
 * console.log(FINISH_JOB.includes("local function finish_job")); // true
 * ```
 */
export const FINISH_JOB = `
local finished_status = {${FINISHED_STATES.map((s) => `[${luaString(s)}] = true`).join(", ")}}
local finished_touched = {}
local finished_counts = {}
-- the ids finish_job collected: status -> expiry -> ids, written by trim_finished
local finished_adds = {}
local function finished_count_key(states) return states .. ${luaString(FINISHED_COUNT_KEY_PART)} end
-- adds delta to the count of status's index; a count down to 0 leaves the hash (and an
-- empty hash is gone)
local function count_finished(states, status, delta)
  local key = finished_count_key(states)
  if redis.call('HINCRBY', key, status, delta) <= 0 then redis.call('HDEL', key, status) end
end
local function index_entry(ids, from, to)
  local parts = {}
  for i = from, to do parts[#parts + 1] = #ids[i] .. ':' .. ids[i] end
  return table.concat(parts)
end
local function index_ids(entry)
  local ids, i = {}, 1
  while i <= #entry do
    local c = string.find(entry, ':', i, true)
    if not c then break end
    local len = tonumber(string.sub(entry, i, c - 1)) or 0
    ids[#ids + 1] = string.sub(entry, c + 1, c + len)
    i = c + len + 1
  end
  return ids
end
local function index_size(entry) return #index_ids(entry) end
local function index_live(states, status, now)
  local n = tonumber(redis.call('HGET', finished_count_key(states), status)) or 0
  local gone = redis.call('ZRANGEBYSCORE', states .. status, '-inf', '(' .. now)
  for i = 1, #gone do n = n - index_size(gone[i]) end
  return math.max(0, n)
end
local function unfinish_job(states, key, id, status)
  if not finished_status[status] then return end
  local score = redis.call('HGET', key, 'ixs')
  if not score then return end
  local index = states .. status
  for _, entry in ipairs(redis.call('ZRANGEBYSCORE', index, score, score)) do
    local ids = index_ids(entry)
    for i = 1, #ids do
      if ids[i] == id then
        redis.call('ZREM', index, entry)
        table.remove(ids, i)
        if #ids > 0 then redis.call('ZADD', index, score, index_entry(ids, 1, #ids)) end
        count_finished(states, status, -1)
        return
      end
    end
  end
end
local function take_finished(states, status, max)
  local index = states .. status
  local out = {}
  while #out < max do
    local first = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
    if not first[1] then break end
    local ids = index_ids(first[1])
    redis.call('ZREM', index, first[1])
    local room = max - #out
    for i = 1, math.min(room, #ids) do out[#out + 1] = ids[i] end
    if #ids > room then redis.call('ZADD', index, first[2], index_entry(ids, room + 1, #ids)) end
  end
  if #out > 0 then count_finished(states, status, -#out) end
  return out
end
local function finish_job(states, key, id, status, now, ttl, keep)
  ttl = tonumber(ttl)
  local at = now + ttl
  redis.call('PEXPIRE', key, ttl)
  local adds = finished_adds[status]
  if not adds then
    adds = {}
    finished_adds[status] = adds
  end
  local ids = adds[at]
  if not ids then
    ids = {}
    adds[at] = ids
  end
  ids[#ids + 1] = id
  finished_touched[status] = tonumber(keep) or 0
  finished_counts[status] = (finished_counts[status] or 0) + 1
end
local function trim_finished(states, now)
  if next(finished_counts) then
    local tp = states .. ${
  luaString(THROUGHPUT_KEY_PART)
} .. math.floor(now / ${THROUGHPUT_MINUTE_MS})
    local first = false
    for status, n in pairs(finished_counts) do
      if redis.call('HINCRBY', tp, status, n) == n then first = true end
      count_finished(states, status, n)
    end
    -- set at a status's first count of the minute: the minute's key outlives its last count
    -- by THROUGHPUT_KEEP_MS less at most a minute
    if first then redis.call('PEXPIRE', tp, ${THROUGHPUT_KEEP_MS}) end
    finished_counts = {}
  end
  for status, adds in pairs(finished_adds) do
    for at, ids in pairs(adds) do
      for i = 1, #ids, ${INDEX_ENTRY_IDS} do
        redis.call('ZADD', states .. status, at,
          index_entry(ids, i, math.min(i + ${INDEX_ENTRY_IDS} - 1, #ids)))
      end
    end
  end
  finished_adds = {}
  for status, keep in pairs(finished_touched) do
    local index = states .. status
    local gone = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. now, 'LIMIT', 0,
      ${FINISHED_TRIM_BATCH})
    if #gone > 0 then
      redis.call('ZREM', index, unpack(gone))
      local n = 0
      for i = 1, #gone do n = n + index_size(gone[i]) end
      count_finished(states, status, -n)
    end
    if keep > 0 then
      local over = math.min(index_live(states, status, now) - keep, ${FINISHED_TRIM_BATCH})
      if over > 0 then
        local old = take_finished(states, status, over)
        for i = 1, #old do redis.call('DEL', states .. ${luaString(JOB_KEY_PART)} .. old[i]) end
      end
    end
  end
  finished_touched = {}
end
`;

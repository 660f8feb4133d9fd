import { script } from "./common.ts";

/**
 * purge: delete a batch of the jobs in one state of a queue, oldest first (queued: from the
 * head of the ready list, then the prioritised and the grouped ones, fragment flow; deferred: the soonest due; finished: the oldest of the index).
 *
 * KEYS[1] the state's list or zset (ready list, deferred zset, or a finished-jobs index),
 * KEYS[2] the queue's key prefix (its finished-jobs indexes), KEYS[3] job hash key prefix
 * ARGV[1] the state's status ('queued', 'deferred' or a finished status), ARGV[2] the most
 * entries to take
 * Returns { removed, passed }: how many jobs were deleted, and how many entries left the
 * list or zset (an entry whose job has another status, or expired, only leaves it).
 */
export const purgeScript = script(
  "repidPurge",
  3,
  `
--- @include finish_job
local key, states, prefix = KEYS[1], KEYS[2], KEYS[3]
local st, max = ARGV[1], tonumber(ARGV[2])
local ids
if st == 'queued' then
  ids = redis.call('LPOP', key, max) or {}
  -- then the prioritised jobs, then those of each group with waiting jobs (fragment flow)
  local function take_set(set)
    if #ids >= max then return 0 end
    local got = redis.call('ZPOPMIN', set, max - #ids)
    for i = 1, #got, 2 do ids[#ids + 1] = got[i] end
    return #got / 2
  end
  take_set(states .. 'prio')
  if #ids < max then
    local groups = {}
    for _, g in ipairs(redis.call('ZRANGE', states .. 'groups', 0, -1)) do groups[#groups + 1] = g end
    for _, g in ipairs(redis.call('ZRANGE', states .. 'gwait', 0, -1)) do groups[#groups + 1] = g end
    for _, g in ipairs(redis.call('HKEYS', states .. 'grun')) do groups[#groups + 1] = g end
    for _, g in ipairs(groups) do
      if #ids >= max then break end
      local n = take_set(states .. 'gq:' .. g)
      if n > 0 then redis.call('HINCRBY', states .. 'flow', 'gwaiting', -n) end
    end
  end
  for i = 1, #ids do
    redis.call('ZREM', states .. 'expiring', ids[i])
    redis.call('ZREM', states .. 'waiting', ids[i])
  end
elseif st == 'deferred' then
  ids = {}
  local got = redis.call('ZPOPMIN', key, max)
  for i = 1, #got, 2 do ids[#ids + 1] = got[i] end
else
  -- a finished state: the ids leave its index (take_finished), those of expired jobs too
  ids = take_finished(states, st, max)
end
local removed = 0
for i = 1, #ids do
  local id = ids[i]
  if redis.call('HGET', prefix .. id, 'status') == st then
    redis.call('DEL', prefix .. id)
    removed = removed + 1
  end
end
return {removed, #ids}
`,
  "allow-oom",
);

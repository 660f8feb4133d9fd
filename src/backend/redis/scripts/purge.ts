import { script } from "./common.ts";

/**
 * purge: delete a batch of the jobs in one state of a queue, oldest first (queued: from the
 * head of the ready list; deferred: the soonest due; finished: the oldest of the index).
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
elseif st == 'deferred' then
  ids = {}
  local got = redis.call('ZPOPMIN', key, max)
  for i = 1, #got, 2 do ids[#ids + 1] = got[i] end
else
  ids = redis.call('ZRANGE', key, 0, max - 1)
end
local removed = 0
for i = 1, #ids do
  local id = ids[i]
  unfinish_job(states, id, st)
  if redis.call('HGET', prefix .. id, 'status') == st then
    redis.call('DEL', prefix .. id)
    removed = removed + 1
  end
end
return {removed, #ids}
`,
  "allow-oom",
);

import { script } from "./common.ts";

/**
 * requeue_finished: send finished jobs through again, under their ids: each goes to the
 * tail of the ready list (a job of a group or a priority: of its zset, fragment flow, and
 * without its expiry) with a fresh attempt budget (attempts, deliveries and stalls back
 * to 0), keeps its arguments and its earlier attempts' errors, loses its result and its
 * expiry, and leaves its finished-jobs index.
 *
 * KEYS[1] the queue's key prefix (its finished-jobs indexes, see `finish_job`), KEYS[2]
 * ready list, KEYS[3] signal list, KEYS[4] job hash key prefix
 * ARGV[1] a finished status: requeue the oldest ARGV[2] jobs of its index; or '' and then
 * ARGV[3] a job id: requeue that job when it has finished
 * Returns { requeued, passed, status }: how many jobs were requeued, how many index entries
 * were passed (those of expired jobs leave the index), and for one job id its status before
 * the call (false when unknown).
 */
export const requeueFinishedScript = script(
  "repidRequeueFinished",
  4,
  `
--- @include finish_job
--- @include signal_work
--- @include flow
local states, ready, signal, prefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local moved = 0
-- indexed: the job is still in the index of st
local function requeue(id, st, indexed)
  local key = prefix .. id
  if indexed then unfinish_job(states, key, id, st) end
  redis.call('HDEL', key, 'value', 'error', 'reason', 'finished', 'token', 'ixs')
  redis.call('HSET', key, 'status', 'queued', 'attempts', 0, 'deliveries', 0, 'stalls', 0,
    'due', 0)
  redis.call('HDEL', key, 'expires')
  redis.call('PERSIST', key)
  flow_queue(states, key, id, false)
  moved = moved + 1
end
if ARGV[1] == '' then
  local id = ARGV[3]
  local st = redis.call('HGET', prefix .. id, 'status')
  if st and finished_status[st] then requeue(id, st, true) end
  if moved > 0 then signal_work(signal) end
  return {moved, 0, st}
end
local st = ARGV[1]
-- the ids leave the index (take_finished); those of expired jobs are passed
local ids = take_finished(states, st, tonumber(ARGV[2]))
for i = 1, #ids do
  if redis.call('HGET', prefix .. ids[i], 'status') == st then requeue(ids[i], st, false) end
end
if moved > 0 then signal_work(signal) end
return {moved, #ids}
`,
  "allow-oom",
);

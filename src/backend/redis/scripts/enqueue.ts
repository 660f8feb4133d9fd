import { script } from "./common.ts";

/**
 * enqueue: add one job to a queue.
 *
 * KEYS[1] job hash, KEYS[2] ready list, KEYS[3] deferred zset, KEYS[4] signal list,
 * KEYS[5] the queue's key prefix (its finished-jobs indexes, see `finish_job`)
 * ARGV[1] id, ARGV[2] actor, ARGV[3] args JSON, ARGV[4] due (epoch ms, 0 = now),
 * ARGV[5] per-job options JSON ('' = none)
 * A queued job of a group or a priority other than 0 goes to its group's or the priority
 * zset instead of the ready list (fragment flow).
 * Returns { created (1 | 0), status, enqueuedAt }. An unfinished job with the same
 * id is left as it is (created = 0, its own enqueue time); a finished one is replaced
 * (and leaves its finished-jobs index).
 */
export const enqueueScript = script(
  "repidEnqueue",
  5,
  `
--- @include new_job
--- @include signal_work
--- @include flow
--- @include finish_job
local st = redis.call('HGET', KEYS[1], 'status')
if st == 'queued' or st == 'deferred' or st == 'in_progress' then
  return {0, st, tonumber(redis.call('HGET', KEYS[1], 'enq')) or 0}
end
if st then
  unfinish_job(KEYS[5], KEYS[1], ARGV[1], st)
  redis.call('DEL', KEYS[1])
end
local now = now_ms()
local due = tonumber(ARGV[4])
local status = 'queued'
if due > now then status = 'deferred' end
local base = flow_base(KEYS[2], 'ready')
local group, priority = new_job(KEYS[1], ARGV[2], ARGV[3], status, now, due, ARGV[5], base, ARGV[1])
if status == 'deferred' then
  redis.call('ZADD', KEYS[3], due, ARGV[1])
elseif not flow_enter(base, ARGV[1], group, priority, false) then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
signal_work(KEYS[4])
return {1, status, now}
`,
);

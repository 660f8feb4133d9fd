import { script } from "./common.ts";

/**
 * cancel: cancel a job that has not finished, whatever worker runs it.
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] active zset, KEYS[4] the queue's key
 * prefix (its finished-jobs indexes, see `finish_job`), KEYS[5] job hash
 * ARGV[1] id, ARGV[2] error JSON, ARGV[3] TTL ms, ARGV[4] finished channel,
 * ARGV[5] cancel channel, ARGV[6] retention of cancelled jobs (0 = no limit)
 * Returns { cancelled, status before, opts }: cancelled is 1 when this call cancelled the
 * job, 0 when it had finished already (the ack won) or is unknown (status false).
 *
 * A queued job leaves the ready list (or its group's or the priority zset, fragment flow),
 * a deferred one the deferred zset, a running one the active zset and its group slot; its status becomes 'cancelled' (a finished status) with the error and
 * `finished = now`, its record is kept for the TTL (its arguments with it, so that it can
 * be run again) and listed in the index of cancelled jobs (`finish_job`, then
 * `trim_finished`), and it is announced on the finished channel. A running job keeps its
 * lease token: every write of its worker is refused from now on (the `leased` check
 * wants 'in_progress'), its lease renewal reports it cancelled, and `<id>\n<token>` is
 * published on the cancel channel so that its worker stops it at once.
 */
export const cancelScript = script(
  "repidCancel",
  5,
  `
--- @include announce
--- @include finish_job
--- @include flow
local id = ARGV[1]
local key = KEYS[5]
local f = redis.call('HMGET', key, 'status', 'token', 'opts', 'group')
local status = f[1]
if status == 'queued' then
  flow_unqueue(KEYS[4], key, id)
elseif status == 'deferred' then
  redis.call('ZREM', KEYS[2], id)
elseif status == 'in_progress' then
  redis.call('ZREM', KEYS[3], id)
  flow_free(KEYS[4], f[4])
else
  return {0, status or false, f[3] or ''}
end
redis.call('ZREM', KEYS[4] .. 'expiring', id)
local now = now_ms()
redis.call('HSET', key, 'status', 'cancelled', 'error', ARGV[2], 'finished', now,
  'ixs', now + tonumber(ARGV[3]))
finish_job(KEYS[4], key, id, 'cancelled', now, ARGV[3], ARGV[6])
trim_finished(KEYS[4], now)
announce_finished(ARGV[4], id)
if status == 'in_progress' and f[2] then redis.call('PUBLISH', ARGV[5], id .. '\\n' .. f[2]) end
return {1, status, f[3] or ''}
`,
  "allow-oom",
);

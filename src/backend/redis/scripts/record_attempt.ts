import { script } from "./common.ts";

/**
 * record_attempt: store a failed attempt of a job that stays leased for a retry, or (a
 * job of a group) that waits for its retry deferred, its lease and group slot given up.
 *
 * KEYS[1] job hash
 * ARGV[1] token, ARGV[2] attempts so far, ARGV[3] errors JSON, ARGV[4] retry delay ms
 * ('' or absent: the job stays leased), ARGV[5] the job's id (with ARGV[4])
 * Returns 1 (stored) or 0 (refused: the token no longer holds the lease).
 */
export const recordAttemptScript = script(
  "repidRecordAttempt",
  1,
  `
--- @include lease
--- @include flow
local f = leased(KEYS[1], ARGV[1], 'group')
if not f then return 0 end
redis.call('HSET', KEYS[1], 'attempts', ARGV[2], 'errors', ARGV[3])
local delay = tonumber(ARGV[4])
if delay then
  local id = ARGV[5]
  local base = flow_base(KEYS[1], 'job:' .. id)
  local due = now_ms() + delay
  redis.call('HDEL', KEYS[1], 'token')
  redis.call('HSET', KEYS[1], 'status', 'deferred', 'due', due)
  redis.call('ZREM', base .. 'active', id)
  redis.call('ZADD', base .. 'deferred', due, id)
  flow_free(base, f[3])
  signal_work(base .. 'signal')
end
return 1
`,
);

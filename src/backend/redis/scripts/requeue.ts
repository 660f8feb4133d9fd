import { script } from "./common.ts";

/**
 * requeue: put a leased job back after a delay (its actor is unknown to this
 * worker), or dead-letter it once it has been delivered often enough.
 *
 * KEYS[1] active zset, KEYS[2] deferred zset, KEYS[3] signal list, KEYS[4] the queue's
 * key prefix (its finished-jobs indexes), KEYS[5] job hash
 * ARGV[1] id, ARGV[2] token, ARGV[3] delay ms, ARGV[4] max deliveries (0 = no limit),
 * ARGV[5] reason, ARGV[6] error JSON for a dead letter, ARGV[7] finished channel,
 * ARGV[8] dead-letter TTL ms, ARGV[9] retention of dead jobs (0 = no limit)
 * Returns 'requeued', 'dead', or 'lost' (the token no longer holds the lease). Either way
 * the job's group slot is freed (fragment flow).
 */
export const requeueScript = script(
  "repidRequeue",
  5,
  `
--- @include lease
--- @include dead_letter
--- @include signal_work
--- @include flow
local f = leased(KEYS[5], ARGV[2], 'deliveries', 'group')
if not f then return 'lost' end
local now = now_ms()
local id = ARGV[1]
redis.call('ZREM', KEYS[1], id)
flow_free(flow_base(KEYS[5], 'job:' .. id), f[4])
local limit = tonumber(ARGV[4])
if limit > 0 and (tonumber(f[3]) or 0) >= limit then
  dead_letter(KEYS[5], KEYS[4], id, ARGV[5], ARGV[6], ARGV[8], now, ARGV[7], ARGV[9])
  trim_finished(KEYS[4], now)
  return 'dead'
end
redis.call('HDEL', KEYS[5], 'token')
local due = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[5], 'status', 'deferred', 'due', due)
redis.call('ZADD', KEYS[2], due, id)
signal_work(KEYS[3])
return 'requeued'
`,
  "allow-oom",
);

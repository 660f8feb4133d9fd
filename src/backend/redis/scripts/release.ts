import { script } from "./common.ts";

/**
 * release: hand leases back so the jobs run elsewhere (graceful shutdown).
 *
 * KEYS[1] active zset, KEYS[2] ready list, KEYS[3] signal list, KEYS[4] job hash key
 * prefix (job keys are KEYS[4]..id)
 * ARGV pairs of id, token
 * Returns one 1 (returned to the head of the queue: of the ready list, or of its priority
 * in its group's or the priority zset, its group slot freed) or 0 (lease not held) per job.
 */
export const releaseScript = script(
  "repidRelease",
  4,
  `
--- @include lease
--- @include signal_work
--- @include flow
local base = flow_base(KEYS[4], 'job:')
local res = {}
for i = #ARGV - 1, 1, -2 do
  local id = ARGV[i]
  local key = KEYS[4] .. id
  if leased(key, ARGV[i + 1]) then
    redis.call('HSET', key, 'status', 'queued')
    redis.call('HDEL', key, 'token')
    redis.call('ZREM', KEYS[1], id)
    flow_free(base, flow_queue(base, key, id, true))
    res[(i + 1) / 2] = 1
  else
    res[(i + 1) / 2] = 0
  end
end
signal_work(KEYS[3])
return res
`,
  "allow-oom",
);

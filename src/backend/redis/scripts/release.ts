import { script } from "./common.ts";

/**
 * release: hand leases back so the jobs run elsewhere (graceful shutdown).
 *
 * KEYS[1] active zset, KEYS[2] ready list, KEYS[3] signal list, KEYS[4] job hash key
 * prefix (job keys are KEYS[4]..id)
 * ARGV pairs of id, token
 * Returns one 1 (returned to the head of the queue) or 0 (lease not held) per job.
 */
export const releaseScript = script(
  "repidRelease",
  4,
  `
--- @include lease
--- @include signal_work
local res = {}
for i = #ARGV - 1, 1, -2 do
  local id = ARGV[i]
  local key = KEYS[4] .. id
  if leased(key, ARGV[i + 1]) then
    redis.call('HSET', key, 'status', 'queued')
    redis.call('HDEL', key, 'token')
    redis.call('ZREM', KEYS[1], id)
    redis.call('LPUSH', KEYS[2], id)
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

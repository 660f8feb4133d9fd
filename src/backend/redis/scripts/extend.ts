import { script } from "./common.ts";

/**
 * extend: renew the leases of running jobs.
 *
 * KEYS[1] active zset, KEYS[2] job hash key prefix (job keys are KEYS[2]..id)
 * ARGV[1] lease ms, then pairs of id, token
 * Returns the ids whose lease the token no longer holds (nothing renewed for them).
 */
export const extendScript = script(
  "repidExtend",
  2,
  `
--- @include lease
local now = now_ms()
local lease = tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  if leased(KEYS[2] .. id, ARGV[i + 1]) then
    redis.call('ZADD', KEYS[1], now + lease, id)
  else
    lost[#lost + 1] = id
  end
end
return lost
`,
  "allow-oom",
);

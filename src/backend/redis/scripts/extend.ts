import { script } from "./common.ts";

/**
 * extend: renew the leases of running jobs.
 *
 * KEYS[1] active zset, KEYS[2] job hash key prefix (job keys are KEYS[2]..id)
 * ARGV[1] lease ms, then pairs of id, token
 * Returns { lost, cancelled }: the ids whose lease the token no longer holds (nothing
 * renewed for them), and among those the ids whose job was cancelled while leased under
 * that token (the `cancel` script keeps the token of a job it cancels in progress).
 */
export const extendScript = script(
  "repidExtend",
  2,
  `
--- @include lease
local now = now_ms()
local lease = tonumber(ARGV[1])
local lost, cancelled = {}, {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local f, wasCancelled = leased(KEYS[2] .. id, ARGV[i + 1])
  if f then
    redis.call('ZADD', KEYS[1], now + lease, id)
  else
    lost[#lost + 1] = id
    if wasCancelled then cancelled[#cancelled + 1] = id end
  end
end
return {lost, cancelled}
`,
  "allow-oom",
);

import { script } from "./common.ts";

/**
 * flow_limits: change a queue's flow limits (rate limit, group limits), at once for
 * every worker: the next fetch reads them.
 *
 * KEYS[1] flow hash, KEYS[2] signal list
 * ARGV pairs of field ('rate_max', 'rate_per', 'gconc', 'grate_max', 'grate_per') and
 * value ('' = remove the field)
 * Returns 1. Idle workers are woken (a raised limit may free work at once).
 */
export const flowLimitsScript = script(
  "repidFlowLimits",
  2,
  `
--- @include signal_work
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[1], ARGV[i])
  else
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
signal_work(KEYS[2])
return 1
`,
  "allow-oom",
);

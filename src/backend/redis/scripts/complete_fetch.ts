import { script } from "./common.ts";
import { COMPLETE_BODY } from "./complete.ts";
import { FETCH_BODY } from "./fetch.ts";

/**
 * complete_fetch: `complete` then `fetch` on one queue, in one call, so that a
 * worker acks the jobs that finished and leases the next ones in one round trip.
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] active zset, KEYS[4] signal list,
 * KEYS[5] the queue's key prefix, KEYS[6] job hash key prefix, KEYS[7] paused key,
 * KEYS[8] lease hint (as for fetch)
 * ARGV[1] max jobs, ARGV[2] lease ms, ARGV[3] owner token, ARGV[4] dead-letter TTL ms,
 * ARGV[5] finished channel, ARGV[6] max stalls, ARGV[7] retention of dead jobs (as for
 * fetch; the channel serves both parts), ARGV[8] retention of done jobs, ARGV[9] of
 * failed jobs, ARGV[10] group concurrency (fetch's ARGV[8]), then one argument per acked
 * job, its 8 values joined by newlines (as for complete)
 * Returns { acks, fetched }: acks is complete's reply (one 1 or 0 per job), fetched is
 * fetch's reply ({ wakeInMs, now, 9 fields per job }). The acks are applied first.
 */
export const completeFetchScript = script(
  "repidCompleteFetch",
  8,
  `
-- One clock reading serves both parts (one TIME call, not two).
local time_now = now_ms()
now_ms = function() return time_now end
local function complete_part(KEYS, ARGV)
${COMPLETE_BODY}
end
local function fetch_part(KEYS, ARGV)
${FETCH_BODY}
end
local cargv = {ARGV[5], ARGV[8], ARGV[9]}
for i = 11, #ARGV do cargv[#cargv + 1] = ARGV[i] end
local acks = complete_part({KEYS[3], KEYS[6], KEYS[5]}, cargv)
local fetched = fetch_part(KEYS, {ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7],
  ARGV[10]})
return {acks, fetched}
`,
  "refuse-oom",
);

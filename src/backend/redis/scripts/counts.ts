import { script } from "./common.ts";
import { luaString } from "./lua_text.ts";
import { FINISHED_STATES } from "../../../core/queue_state.ts";

/**
 * counts: how many jobs of one queue are in each state, from the sizes of the
 * lists and zsets the job scripts keep and the counts of the finished-jobs
 * indexes (no scan): O(log n) per state, plus the expired index entries not
 * yet trimmed (normally none).
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] active zset, KEYS[4] the queue's key
 * prefix (its finished-jobs indexes, see `finish_job`)
 * Returns { queued, deferred, active, done, failed, dead, cancelled } (queued: the ready
 * list, the `prio` zset and the `gwaiting` count of the `flow` hash): for a finished state,
 * the jobs of its index whose record has not expired (`index_live`: the index is scored by
 * expiry; the jobs of expired entries, not yet trimmed, are not counted).
 */
export const countsScript = script(
  "repidCounts",
  4,
  `
--- @include finish_job
local now = now_ms()
-- queued: the ready list, and the prioritised and grouped jobs (fragment flow)
local queued = redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[4] .. 'prio') +
  (tonumber(redis.call('HGET', KEYS[4] .. 'flow', 'gwaiting')) or 0)
local out = {queued, redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3])}
for _, status in ipairs({${FINISHED_STATES.map(luaString).join(", ")}}) do
  out[#out + 1] = index_live(KEYS[4], status, now)
end
return out
`,
);

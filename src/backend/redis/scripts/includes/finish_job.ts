/**
 * Fragment `finish_job`: index a job that finished, and take a job out of
 * the finished-jobs indexes.
 *
 * `finish_job(states, key, id, status, now, ttl, keep)`: the job hash `key`
 * of job `id`, whose fields the caller has written (status `done`, `failed`,
 * `dead` or `cancelled`), is kept for `ttl` ms and listed in the index of
 * its status (`<states><status>`), scored by when the hash expires
 * (`now + ttl`); `keep` is the retention of that status (0: no limit),
 * applied by `trim_finished`. Scored by expiry, the index lists the jobs in
 * the order they finished when they share one TTL (newest = highest), and
 * counts exactly the jobs that have not expired (`counts`: ZCOUNT from now).
 *
 * `trim_finished(states, now)`: once per script call, after its last
 * `finish_job`: for each status a job was indexed under, up to
 * FINISHED_TRIM_BATCH entries whose job expired leave the index, and when
 * the retention is above 0 and the index holds more jobs than it, the
 * lowest (up to FINISHED_TRIM_BATCH of them) are deleted with their hashes.
 * It also adds the jobs the call finished, per status, to the throughput
 * HASH of the minute (`<states>throughput:<now / 60000>`, field = status;
 * one HINCRBY per status per call), which expires THROUGHPUT_KEEP_MS after
 * its last count (`q.throughput()`).
 *
 * `unfinish_job(states, id, status)`: removes `id` from the index of
 * `status` (the job is requeued, removed or replaced); does nothing unless
 * `status` is a finished status.
 *
 * The memory store's counterparts are `finishRecord` and `unfinishRecord`
 * in `src/backend/memory/records.ts`.
 *
 * @module
 */

import {
  FINISHED_TRIM_BATCH,
  THROUGHPUT_KEEP_MS,
  THROUGHPUT_MINUTE_MS,
} from "../../../../core/store_limits.ts";
import { JOB_KEY_PART, THROUGHPUT_KEY_PART } from "../../keys.ts";
import { luaString } from "../lua_text.ts";
import { FINISHED_STATES } from "../../../../core/queue_state.ts";

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { FINISH_JOB } from "./finish_job.ts";
 *
 * console.log(FINISH_JOB.includes("local function finish_job")); // true
 * ```
 */
export const FINISH_JOB = `
local finished_status = {${FINISHED_STATES.map((s) => `[${luaString(s)}] = true`).join(", ")}}
local finished_touched = {}
local finished_counts = {}
local function unfinish_job(states, id, status)
  if finished_status[status] then redis.call('ZREM', states .. status, id) end
end
local function finish_job(states, key, id, status, now, ttl, keep)
  ttl = tonumber(ttl)
  redis.call('PEXPIRE', key, ttl)
  redis.call('ZADD', states .. status, now + ttl, id)
  finished_touched[status] = tonumber(keep) or 0
  finished_counts[status] = (finished_counts[status] or 0) + 1
end
local function trim_finished(states, now)
  if next(finished_counts) then
    local tp = states .. ${
  luaString(THROUGHPUT_KEY_PART)
} .. math.floor(now / ${THROUGHPUT_MINUTE_MS})
    for status, n in pairs(finished_counts) do redis.call('HINCRBY', tp, status, n) end
    redis.call('PEXPIRE', tp, ${THROUGHPUT_KEEP_MS})
    finished_counts = {}
  end
  for status, keep in pairs(finished_touched) do
    local index = states .. status
    local gone = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. now, 'LIMIT', 0,
      ${FINISHED_TRIM_BATCH})
    if #gone > 0 then redis.call('ZREM', index, unpack(gone)) end
    if keep > 0 then
      local over = math.min(redis.call('ZCARD', index) - keep, ${FINISHED_TRIM_BATCH})
      if over > 0 then
        local old = redis.call('ZRANGE', index, 0, over - 1)
        redis.call('ZREM', index, unpack(old))
        for i = 1, #old do redis.call('DEL', states .. ${luaString(JOB_KEY_PART)} .. old[i]) end
      end
    end
  end
  finished_touched = {}
end
`;

/**
 * Fragment `finish_job`: index a job that finished, and take a job out of
 * the finished-jobs indexes.
 *
 * `finish_job(states, key, id, status, now, ttl, keep)`: the job hash `key`
 * of job `id`, whose fields the caller has written (status `done`, `failed`,
 * `dead` or `cancelled`), is kept for `ttl` ms and listed in the index of
 * its status (`<states><status>`, scored by `now`) and in that index's
 * expiry zset (scored by `now + ttl`, when the hash expires). Up to
 * FINISHED_TRIM_BATCH entries whose job expired leave both; when `keep` is
 * above 0 and the index holds more than `keep` jobs, the oldest (up to
 * FINISHED_TRIM_BATCH of them) are deleted with their hashes (the
 * `retention` option). So the index holds exactly the finished jobs of that
 * status, and those whose expiry lies in the past are never counted (see the
 * `counts` script).
 *
 * `unfinish_job(states, id, status)`: removes `id` from the index of
 * `status` and its expiry zset (the job is requeued, removed or replaced);
 * does nothing unless `status` is a finished status.
 *
 * The memory store's counterparts are `finishRecord` and `unfinishRecord`
 * in `src/backend/memory/records.ts`.
 *
 * @module
 */

import { FINISHED_TRIM_BATCH } from "../../../../core/store_limits.ts";
import { EXPIRY_SUFFIX, JOB_KEY_PART } from "../../keys.ts";
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
local function unfinish_job(states, id, status)
  if not finished_status[status] then return end
  local index = states .. status
  redis.call('ZREM', index, id)
  redis.call('ZREM', index .. ${luaString(EXPIRY_SUFFIX)}, id)
end
local function finish_job(states, key, id, status, now, ttl, keep)
  local index = states .. status
  local expiry = index .. ${luaString(EXPIRY_SUFFIX)}
  ttl = tonumber(ttl)
  redis.call('PEXPIRE', key, ttl)
  redis.call('ZADD', index, now, id)
  redis.call('ZADD', expiry, now + ttl, id)
  local gone = redis.call('ZRANGEBYSCORE', expiry, '-inf', '(' .. now, 'LIMIT', 0,
    ${FINISHED_TRIM_BATCH})
  if #gone > 0 then
    redis.call('ZREM', index, unpack(gone))
    redis.call('ZREM', expiry, unpack(gone))
  end
  keep = tonumber(keep) or 0
  if keep > 0 then
    local over = math.min(redis.call('ZCARD', index) - keep, ${FINISHED_TRIM_BATCH})
    if over > 0 then
      local old = redis.call('ZRANGE', index, 0, over - 1)
      redis.call('ZREM', index, unpack(old))
      redis.call('ZREM', expiry, unpack(old))
      for i = 1, #old do redis.call('DEL', states .. ${luaString(JOB_KEY_PART)} .. old[i]) end
    end
  end
end
`;

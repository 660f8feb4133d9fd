/**
 * Fragment `dead_letter`: end a job as dead.
 *
 * `dead_letter(key, dead, id, reason, err, ttl, now, channel)`: the job hash
 * `key` of job `id` gets status `dead` with `reason`, the error JSON `err`
 * and `finished = now`, loses its lease token, is kept for `ttl` ms and is
 * listed in the `dead` zset (whose entries older than `ttl` are dropped).
 * When `channel` is given, the id is announced on it. The caller removes
 * the job from the set it was in. The memory store's counterpart is
 * `deadLetterRecord` in `src/backend/memory/records.ts`.
 *
 * @module
 */

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { DEAD_LETTER } from "./dead_letter.ts";
 *
 * console.log(DEAD_LETTER.includes("local function dead_letter")); // true
 * ```
 */
export const DEAD_LETTER = `
--- @include announce
local function dead_letter(key, dead, id, reason, err, ttl, now, channel)
  redis.call('HDEL', key, 'token')
  redis.call('HSET', key, 'status', 'dead', 'reason', reason, 'error', err, 'finished', now)
  redis.call('PEXPIRE', key, ttl)
  redis.call('ZADD', dead, now, id)
  redis.call('ZREMRANGEBYSCORE', dead, '-inf', now - tonumber(ttl))
  if channel then announce_finished(channel, id) end
end
`;

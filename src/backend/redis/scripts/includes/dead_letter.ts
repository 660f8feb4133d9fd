/**
 * Fragment `dead_letter`: end a job as dead.
 *
 * `dead_letter(key, states, id, reason, err, ttl, now, channel, keep)`: the
 * job hash `key` of job `id` gets status `dead` with `reason`, the error
 * JSON `err` and `finished = now`, loses its lease token, and is kept for
 * `ttl` ms and indexed among the dead of the queue whose key prefix is
 * `states` (`finish_job`, with `keep` the retention of dead jobs).
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
--- @include finish_job
local function dead_letter(key, states, id, reason, err, ttl, now, channel, keep)
  redis.call('HDEL', key, 'token')
  redis.call('HSET', key, 'status', 'dead', 'reason', reason, 'error', err, 'finished', now,
    'ixs', now + tonumber(ttl))
  finish_job(states, key, id, 'dead', now, ttl, keep)
  if channel then announce_finished(channel, id) end
end
`;

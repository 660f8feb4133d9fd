import { script } from "./common.js";
import { LUA_SCHEDULE } from "./schedule_common.js";
/**
 * schedule_pause: stop creating occurrences of a schedule.
 *
 * KEYS[1] schedule hash, KEYS[2] deferred zset, KEYS[3] ready list, KEYS[4] job hash key
 * prefix (occurrence keys are KEYS[4]..id)
 * ARGV[1] schedule id
 * Returns 1 (paused, or already paused) or 0 (no such schedule). The pending
 * occurrence is removed unless it has started; a started one finishes.
 */
export const schedulePauseScript = script("repidSchedulePause", 4, LUA_SCHEDULE + `
local f = redis.call('HMGET', KEYS[1], 'status', 'next')
if not f[1] then return 0 end
if f[1] == 'paused' then return 1 end
redis.call('HSET', KEYS[1], 'status', 'paused')
remove_pending(KEYS[4], KEYS[2], KEYS[3], ARGV[1], f[2])
return 1
`);

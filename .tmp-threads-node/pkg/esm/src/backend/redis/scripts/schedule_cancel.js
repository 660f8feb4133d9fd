import { script } from "./common.js";
import { LUA_SCHEDULE } from "./schedule_common.js";
/**
 * schedule_cancel: remove a schedule.
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] ready list,
 * KEYS[5] the schedule's runs zset, KEYS[6] job hash key prefix (occurrence keys are
 * KEYS[6]..id)
 * ARGV[1] schedule id
 * Returns 1 (removed) or 0 (no such schedule). The unstarted pending
 * occurrence is removed; a started one finishes and finished ones keep their
 * results until they expire.
 */
export const scheduleCancelScript = script("repidScheduleCancel", 6, LUA_SCHEDULE + `
local f = redis.call('HMGET', KEYS[1], 'status', 'next')
redis.call('ZREM', KEYS[2], ARGV[1])
if not f[1] then return 0 end
remove_pending(KEYS[6], KEYS[3], KEYS[4], ARGV[1], f[2])
redis.call('DEL', KEYS[1], KEYS[5])
return 1
`);

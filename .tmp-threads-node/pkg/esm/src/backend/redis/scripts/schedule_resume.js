import { script } from "./common.js";
import { LUA_SCHEDULE } from "./schedule_common.js";
/**
 * schedule_resume: start creating occurrences of a paused schedule again.
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] signal list,
 * KEYS[5] job hash key prefix (occurrence keys are KEYS[5]..id)
 * ARGV[1] schedule id, ARGV[2] next occurrence (epoch ms)
 * Returns 'resumed', 'active' (it was not paused: nothing changed) or 'gone'.
 */
export const scheduleResumeScript = script("repidScheduleResume", 5, LUA_SCHEDULE + `
local f = redis.call('HMGET', KEYS[1], 'status', 'actor', 'args', 'opts')
if not f[1] then return 'gone' end
if f[1] == 'active' then return 'active' end
redis.call('HSET', KEYS[1], 'status', 'active', 'next', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
create_occurrence(KEYS[5], KEYS[3], KEYS[4], ARGV[1], ARGV[2], f[2], f[3], f[4], now_ms())
return 'resumed'
`);

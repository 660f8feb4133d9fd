import { script } from "./common.ts";
import { LUA_SCHEDULE } from "./schedule_common.ts";
import { luaMessage } from "./lua_text.ts";
import { MESSAGE } from "../../../core/store_errors.ts";

/**
 * schedule_next: a worker started the occurrence due at ARGV[2]; record it
 * and move the schedule on to ARGV[3] (compare-and-set).
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] signal list,
 * KEYS[5] the schedule's runs zset, KEYS[6] job hash key prefix (occurrence keys are
 * KEYS[6]..id)
 * ARGV[1] schedule id, ARGV[2] due time of the started occurrence (epoch ms), ARGV[3] next
 * occurrence (epoch ms, > ARGV[2]), ARGV[4] how many recent occurrence ids to keep
 * Returns 'advanced', 'stale' (the record's next run is not ARGV[2]: already advanced by
 * another delivery, or the timing was reset), 'paused', or 'gone' (no such schedule).
 *
 * The started occurrence is added to the runs zset (trimmed to ARGV[4]) and
 * `last` follows the latest one. Only when `next` equals ARGV[2] and the
 * schedule is active: `next` becomes ARGV[3] and that occurrence's job is
 * created, unless a job with its id exists (never replacing a finished one).
 */
export const scheduleNextScript = script(
  "repidScheduleNext",
  6,
  LUA_SCHEDULE + `
local rec = KEYS[1]
local sid = ARGV[1]
local at = tonumber(ARGV[2])
local f = redis.call('HMGET', rec, 'status', 'next', 'actor', 'args', 'opts', 'last')
if not f[1] then return 'gone' end
redis.call('ZADD', KEYS[5], at, sid .. '@' .. ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -(tonumber(ARGV[4]) + 1))
if not f[6] or f[6] == '' or tonumber(f[6]) < at then redis.call('HSET', rec, 'last', ARGV[2]) end
if tonumber(f[2]) ~= at then return 'stale' end
if f[1] ~= 'active' then return 'paused' end
if tonumber(ARGV[3]) <= at then
  return redis.error_reply(${luaMessage(MESSAGE.nextNotAfter, { next: "ARGV[3]", at: "ARGV[2]" })})
end
redis.call('HSET', rec, 'next', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], sid)
create_occurrence(KEYS[6], KEYS[3], KEYS[4], sid, ARGV[3], f[3], f[4], f[5], now_ms())
return 'advanced'
`,
);

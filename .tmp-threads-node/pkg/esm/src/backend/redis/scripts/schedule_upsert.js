import { script } from "./common.js";
import { LUA_SCHEDULE } from "./schedule_common.js";
/**
 * schedule_upsert: register a recurring job (create, keep or update it).
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] ready list,
 * KEYS[5] signal list, KEYS[6] job hash key prefix (occurrence keys are KEYS[6]..id)
 * ARGV[1] schedule id, ARGV[2] actor, ARGV[3] args JSON, ARGV[4] per-job options JSON,
 * ARGV[5] period ms ('' for cron), ARGV[6] anchor ms ('' for cron), ARGV[7] cron ('' for a
 * period), ARGV[8] tz, ARGV[9] catch up ('1' | '0'), ARGV[10] rule key, ARGV[11] definition
 * key, ARGV[12] registration time (store clock), ARGV[13] first occurrence (epoch ms)
 * Returns { outcome ('created' | 'updated' | 'kept'), status ('active' | 'paused'), next }.
 *
 * Absent: the record is created with next = ARGV[13] and its first occurrence.
 * Same definition key: nothing changes (a missing pending occurrence of an
 * active schedule is recreated). Other definition: actor, arguments, options
 * and catch-up are replaced; if the rule key changed too, the unstarted
 * pending occurrence is removed and the timing restarts at ARGV[13],
 * otherwise an unstarted pending occurrence gets the new definition. A paused
 * schedule stays paused. The pending occurrence is created only when no job
 * with its id exists.
 */
export const scheduleUpsertScript = script("repidScheduleUpsert", 6, LUA_SCHEDULE + `
local rec, schedules, deferred, ready, signal, prefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local sid = ARGV[1]
local now = now_ms()
local f = redis.call('HMGET', rec, 'status', 'rule', 'def', 'next')
local function set_definition()
  redis.call('HSET', rec, 'actor', ARGV[2], 'args', ARGV[3], 'opts', ARGV[4], 'catchup', ARGV[9],
    'def', ARGV[11])
end
local function set_rule()
  redis.call('HSET', rec, 'every', ARGV[5], 'anchor', ARGV[6], 'cron', ARGV[7], 'tz', ARGV[8],
    'rule', ARGV[10], 'next', ARGV[13])
  redis.call('ZADD', schedules, ARGV[13], sid)
end

if not f[1] then
  set_definition()
  set_rule()
  redis.call('HSET', rec, 'status', 'active', 'created', ARGV[12])
  create_occurrence(prefix, deferred, signal, sid, ARGV[13], ARGV[2], ARGV[3], ARGV[4], now)
  return {'created', 'active', ARGV[13]}
end

local status = f[1]
local nextAt = f[4]
local outcome = 'kept'
if f[3] ~= ARGV[11] then
  outcome = 'updated'
  set_definition()
  if f[2] ~= ARGV[10] then
    remove_pending(prefix, deferred, ready, sid, nextAt)
    set_rule()
    nextAt = ARGV[13]
  elseif nextAt then
    local key = prefix .. sid .. '@' .. nextAt
    local st = redis.call('HGET', key, 'status')
    if st == 'deferred' or st == 'queued' then
      redis.call('HSET', key, 'actor', ARGV[2], 'args', ARGV[3],
        'opts', occurrence_opts(ARGV[4], sid, nextAt))
    end
  end
end
if status == 'active' and nextAt then
  create_occurrence(prefix, deferred, signal, sid, nextAt, ARGV[2], ARGV[3], ARGV[4], now)
end
return {outcome, status, nextAt or ARGV[13]}
`);

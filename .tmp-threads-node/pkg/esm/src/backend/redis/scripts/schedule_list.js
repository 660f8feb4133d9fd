import { script } from "./common.js";
/**
 * schedule_list: every schedule of a queue.
 *
 * KEYS[1] schedules zset, KEYS[2] schedule hash key prefix (schedule keys are KEYS[2]..id)
 * ARGV: none
 * Returns { id, {field, value, ...}, ... }, soonest next run first. Ids
 * whose record is gone are dropped from the zset.
 */
export const scheduleListScript = script("repidScheduleList", 2, `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for i = 1, #ids do
  local h = redis.call('HGETALL', KEYS[2] .. ids[i])
  if #h == 0 then
    redis.call('ZREM', KEYS[1], ids[i])
  else
    out[#out + 1] = ids[i]
    out[#out + 1] = h
  end
end
return out
`);

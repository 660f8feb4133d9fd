import { script } from "./common.js";
/**
 * complete: ack leased jobs and store their results, in one step per job.
 *
 * KEYS[1] active zset, KEYS[2] job hash key prefix (job keys are KEYS[2]..id)
 * ARGV[1] finished channel, then 8 values per job: id, token, status ('done' | 'failed'),
 * value JSON, error JSON ('' = none), errors JSON, attempts, result TTL ms
 * Returns one 1 (stored) or 0 (refused: the token no longer holds the lease) per job.
 * A stored job leaves the active set, keeps its result for the TTL, and its id is
 * published on the finished channel.
 */
export const completeScript = script("repidComplete", 2, `
local now = now_ms()
local res = {}
for i = 2, #ARGV, 8 do
  local id = ARGV[i]
  local key = KEYS[2] .. id
  local f = redis.call('HMGET', key, 'token', 'status')
  if f[1] == ARGV[i + 1] and f[2] == 'in_progress' then
    redis.call('HSET', key, 'status', ARGV[i + 2], 'value', ARGV[i + 3], 'errors', ARGV[i + 5],
      'attempts', ARGV[i + 6], 'finished', now)
    if ARGV[i + 4] ~= '' then redis.call('HSET', key, 'error', ARGV[i + 4]) end
    redis.call('HDEL', key, 'token', 'args')
    redis.call('ZREM', KEYS[1], id)
    redis.call('PEXPIRE', key, ARGV[i + 7])
    redis.call('PUBLISH', ARGV[1], id)
    res[#res + 1] = 1
  else
    res[#res + 1] = 0
  end
end
return res
`);

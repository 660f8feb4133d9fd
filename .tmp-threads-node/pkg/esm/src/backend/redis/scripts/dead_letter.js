import { script } from "./common.js";
/**
 * dead_letter: end a leased job that cannot run (malformed arguments, ...)
 * with its reason stored.
 *
 * KEYS[1] active zset, KEYS[2] dead zset, KEYS[3] job hash
 * ARGV[1] id, ARGV[2] token, ARGV[3] reason, ARGV[4] error JSON, ARGV[5] finished channel,
 * ARGV[6] TTL ms
 * Returns 1 (dead-lettered) or 0 (refused: the token no longer holds the lease).
 */
export const deadLetterScript = script("repidDeadLetter", 3, `
local f = redis.call('HMGET', KEYS[3], 'token', 'status')
if f[1] ~= ARGV[2] or f[2] ~= 'in_progress' then return 0 end
local now = now_ms()
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], 'token')
redis.call('HSET', KEYS[3], 'status', 'dead', 'reason', ARGV[3], 'error', ARGV[4],
  'finished', now)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[6]))
redis.call('PUBLISH', ARGV[5], ARGV[1])
return 1
`);

import { script } from "./common.js";
/**
 * record_attempt: store a failed attempt of a job that stays leased for a retry.
 *
 * KEYS[1] job hash
 * ARGV[1] token, ARGV[2] attempts so far, ARGV[3] errors JSON
 * Returns 1 (stored) or 0 (refused: the token no longer holds the lease).
 */
export const recordAttemptScript = script("repidRecordAttempt", 1, `
local f = redis.call('HMGET', KEYS[1], 'token', 'status')
if f[1] ~= ARGV[1] or f[2] ~= 'in_progress' then return 0 end
redis.call('HSET', KEYS[1], 'attempts', ARGV[2], 'errors', ARGV[3])
return 1
`);

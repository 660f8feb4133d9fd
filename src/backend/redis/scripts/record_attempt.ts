import { script } from "./common.ts";

/**
 * record_attempt: store a failed attempt of a job that stays leased for a retry.
 *
 * KEYS[1] job hash
 * ARGV[1] token, ARGV[2] attempts so far, ARGV[3] errors JSON
 * Returns 1 (stored) or 0 (refused: the token no longer holds the lease).
 */
export const recordAttemptScript = script(
  "repidRecordAttempt",
  1,
  `
--- @include lease
if not leased(KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'attempts', ARGV[2], 'errors', ARGV[3])
return 1
`,
);

import { script } from "./common.ts";

/**
 * progress: store the latest progress of a leased job and announce it.
 *
 * KEYS[1] job hash
 * ARGV[1] token, ARGV[2] progress JSON, ARGV[3] finished channel, ARGV[4] job id
 * Returns 1 (stored) or 0 (refused: the token no longer holds the lease).
 * The announcement on the queue's finished channel is the line PROGRESS_MARK
 * ("\1progress", see src/backend/redis/replies.ts), the id and the JSON, one a
 * line: no job id is a control character, so no waiter reads it as a finished job.
 */
export const progressScript = script(
  "repidProgress",
  1,
  `
--- @include lease
if not leased(KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'progress', ARGV[2])
redis.call('PUBLISH', ARGV[3], '\\1progress\\n' .. ARGV[4] .. '\\n' .. ARGV[2])
return 1
`,
  "allow-oom",
);

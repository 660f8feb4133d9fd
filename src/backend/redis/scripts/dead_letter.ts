import { script } from "./common.ts";

/**
 * dead_letter: end a leased job that cannot run (malformed arguments, ...)
 * with its reason stored.
 *
 * KEYS[1] active zset, KEYS[2] the queue's key prefix (its finished-jobs indexes),
 * KEYS[3] job hash
 * ARGV[1] id, ARGV[2] token, ARGV[3] reason, ARGV[4] error JSON, ARGV[5] finished channel,
 * ARGV[6] TTL ms, ARGV[7] retention of dead jobs (0 = no limit)
 * Returns 1 (dead-lettered, its group slot freed) or 0 (refused: the token no longer holds
 * the lease).
 */
export const deadLetterScript = script(
  "repidDeadLetter",
  3,
  `
--- @include lease
--- @include dead_letter
--- @include flow
local f = leased(KEYS[3], ARGV[2], 'group')
if not f then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
flow_free(KEYS[2], f[3])
local now = now_ms()
dead_letter(KEYS[3], KEYS[2], ARGV[1], ARGV[3], ARGV[4], ARGV[6], now, ARGV[5], ARGV[7])
trim_finished(KEYS[2], now)
return 1
`,
  "allow-oom",
);

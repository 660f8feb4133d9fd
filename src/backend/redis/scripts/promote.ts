import { script } from "./common.ts";

/**
 * promote: make a deferred job due now (the next fetch takes it, due jobs first).
 *
 * KEYS[1] job hash, KEYS[2] deferred zset, KEYS[3] signal list
 * ARGV[1] id
 * Returns { promoted (1 | 0), status }: the job's status (false when unknown); only a
 * deferred job is promoted.
 */
export const promoteScript = script(
  "repidPromote",
  3,
  `
--- @include signal_work
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'deferred' then return {0, st} end
local now = now_ms()
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('HSET', KEYS[1], 'due', now)
signal_work(KEYS[3])
return {1, st}
`,
);

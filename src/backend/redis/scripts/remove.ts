import { script } from "./common.ts";

/**
 * remove: delete a job that is not running, from whatever state it is in.
 *
 * KEYS[1] job hash, KEYS[2] ready list, KEYS[3] deferred zset, KEYS[4] the queue's key
 * prefix (its finished-jobs indexes)
 * ARGV[1] id
 * Returns { removed (1 | 0), status }: the job's status before the call (false when
 * unknown). A job in progress is left alone (removed = 0): cancel it first. A queued job
 * leaves the ready list, or its group's or the priority zset (fragment flow).
 */
export const removeScript = script(
  "repidRemove",
  4,
  `
--- @include finish_job
--- @include flow
local st = redis.call('HGET', KEYS[1], 'status')
if not st or st == 'in_progress' then return {0, st} end
if st == 'queued' or st == 'deferred' then redis.call('ZREM', KEYS[4] .. 'expiring', ARGV[1]) end
if st == 'queued' then
  flow_unqueue(KEYS[4], KEYS[1], ARGV[1])
elseif st == 'deferred' then
  redis.call('ZREM', KEYS[3], ARGV[1])
else
  unfinish_job(KEYS[4], KEYS[1], ARGV[1], st)
end
redis.call('DEL', KEYS[1])
return {1, st}
`,
  "allow-oom",
);

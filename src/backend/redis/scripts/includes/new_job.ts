/**
 * Fragment `new_job`: write the record of a new job.
 *
 * `new_job(key, actor, args, status, now, due, opts)`: the job hash `key`
 * gets its actor, arguments JSON, status (`queued` or `deferred`), enqueue
 * time `now`, due time and the per-job options JSON `opts` unless it is
 * `''` or `nil`, in one `HSET`. No deliveries and no attempts are written:
 * a missing count reads as 0 (fewer fields, less memory per queued job). The caller puts the id on
 * the ready list or the deferred zset. The memory store's counterpart is
 * `newJobFields` in `src/backend/memory/records.ts`.
 *
 * @module
 */

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { NEW_JOB } from "./new_job.ts";
 *
 * console.log(NEW_JOB.includes("local function new_job")); // true
 * ```
 */
export const NEW_JOB = `
local function new_job(key, actor, args, status, now, due, opts)
  if opts and opts ~= '' then
    redis.call('HSET', key, 'actor', actor, 'args', args, 'status', status, 'enq', now, 'due', due,
      'opts', opts)
  else
    redis.call('HSET', key, 'actor', actor, 'args', args, 'status', status, 'enq', now, 'due', due)
  end
end
`;

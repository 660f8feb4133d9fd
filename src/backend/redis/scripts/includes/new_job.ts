/**
 * Fragment `new_job`: write the record of a new job.
 *
 * `new_job(key, actor, args, status, now, due, opts, base, id)`: the job hash
 * `key` gets its actor, arguments JSON, status (`queued` or `deferred`),
 * enqueue time `now`, due time and the per-job options JSON `opts` unless it
 * is `''` or `nil`, in one `HSET`. No deliveries and no attempts are written:
 * a missing count reads as 0 (fewer fields, less memory per queued job). The
 * flow options in `opts` (`priority`, `group`, `expiresAt` or `expiresInMs`)
 * become the fields `priority`, `group` and `expires`, and an expiring job is
 * listed in the queue's `expiring` zset (under the queue's key base `base`).
 * Returns the job's group and priority (`nil` when absent). The caller puts
 * the id on the ready list or the deferred zset, or where `flow_enter` says.
 * The memory store's counterpart is `newJobFields` in
 * `src/backend/memory/records.ts`.
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
local function new_job(key, actor, args, status, now, due, opts, base, id)
  if not opts or opts == '' then
    redis.call('HSET', key, 'actor', actor, 'args', args, 'status', status, 'enq', now, 'due', due)
    return nil, nil
  end
  redis.call('HSET', key, 'actor', actor, 'args', args, 'status', status, 'enq', now, 'due', due,
    'opts', opts)
  if not (string.find(opts, '"priority"', 1, true) or string.find(opts, '"group"', 1, true) or
    string.find(opts, '"expires', 1, true)) then return nil, nil end
  local ok, o = pcall(cjson.decode, opts)
  if not ok or type(o) ~= 'table' then return nil, nil end
  local group, priority, expires = nil, nil, nil
  if type(o.priority) == 'number' and o.priority ~= 0 and o.priority == math.floor(o.priority) then
    priority = o.priority
    redis.call('HSET', key, 'priority', string.format('%d', priority))
  end
  if type(o.group) == 'string' and o.group ~= '' then
    group = o.group
    redis.call('HSET', key, 'group', group)
  end
  if type(o.expiresAt) == 'number' then
    expires = o.expiresAt
  elseif type(o.expiresInMs) == 'number' then
    expires = now + o.expiresInMs
  end
  if expires then
    redis.call('HSET', key, 'expires', string.format('%d', expires))
    redis.call('ZADD', base .. 'expiring', expires, id)
  end
  return group, priority
end
`;

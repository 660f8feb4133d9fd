/**
 * Lua helpers shared by the schedule scripts, pasted after the common
 * prelude. Times are passed as decimal strings and used as such in ids, so
 * no epoch value goes through Lua's number formatting.
 *
 * @module
 */
/**
 * `occurrence_opts(opts, sid, at)`: the per-job options JSON of an
 * occurrence: the schedule's options object plus `schedule: {id, at}`.
 *
 * `create_occurrence(jobPrefix, deferred, signal, sid, at, actor, args, opts, now)`:
 * stores the occurrence job `<sid>@<at>` as a deferred job due at `at`,
 * unless a job with that id exists (then it returns 0 and changes nothing).
 *
 * `remove_pending(jobPrefix, deferred, ready, sid, at)`: deletes the
 * occurrence `<sid>@<at>` if it has not started (status deferred or queued).
 */
export declare const LUA_SCHEDULE = "\nlocal function occurrence_opts(opts, sid, at)\n  local tail = '\"schedule\":{\"id\":' .. cjson.encode(sid) .. ',\"at\":' .. at .. '}}'\n  if not opts or opts == '' or opts == '{}' then return '{' .. tail end\n  return string.sub(opts, 1, -2) .. ',' .. tail\nend\nlocal function create_occurrence(jobPrefix, deferred, signal, sid, at, actor, args, opts, now)\n  local id = sid .. '@' .. at\n  local key = jobPrefix .. id\n  if redis.call('EXISTS', key) == 1 then return 0 end\n  redis.call('HSET', key, 'actor', actor, 'args', args, 'status', 'deferred', 'enq', now,\n    'due', at, 'deliveries', 0, 'attempts', 0, 'opts', occurrence_opts(opts, sid, at))\n  redis.call('ZADD', deferred, at, id)\n  signal_work(signal)\n  return 1\nend\nlocal function remove_pending(jobPrefix, deferred, ready, sid, at)\n  if not at then return 0 end\n  local id = sid .. '@' .. at\n  local key = jobPrefix .. id\n  local st = redis.call('HGET', key, 'status')\n  if st == 'deferred' or st == 'queued' then\n    redis.call('ZREM', deferred, id)\n    redis.call('LREM', ready, 0, id)\n    redis.call('DEL', key)\n    return 1\n  end\n  return 0\nend\n";

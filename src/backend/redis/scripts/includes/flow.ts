/**
 * Fragment `flow`: where waiting prioritised and grouped jobs live, and the
 * group slots (see "Flow control" in the README).
 *
 * The keys are built from the queue's base `<prefix>:{<queue>}:`
 * (`flow_base(key, suffix)`: a declared key without its suffix, such as the
 * job prefix without `job:`), so they share the queue's hash tag:
 * `prio` (ZSET of waiting ungrouped jobs of a priority other than 0),
 * `gq:<group>` (ZSET of a group's waiting jobs), `groups` (ZSET: the turn of
 * each group with waiting jobs), `grun` (HASH: running jobs per group),
 * `gwait` (ZSET: groups held back by their rate, until when), `flow` (HASH:
 * the queue's limits and counters), `expiring` (ZSET: jobs by expiry), `waiting` (ZSET:
 * every job waiting in `prio` or a `gq:<group>`, by enqueue time: the listing's index).
 *
 * - `flow_enter(base, id, group, priority, head)`: puts a waiting job into
 *   its group's set or the priority set, behind the jobs of its priority
 *   (ahead of them when `head`); `false` for a plain job (priority 0, no
 *   group), which the caller puts on the ready list.
 * - `flow_queue(base, key, id, head)`: the same for a stored job, the ready
 *   list included (its head when `head`); returns the job's group.
 * - `flow_unqueue(base, key, id)`: takes a queued job out of the set or list
 *   it waits in.
 * - `flow_free(base, group)`: a running job of `group` gave its slot back:
 *   the group takes a turn again when it has waiting jobs, and idle workers
 *   are woken.
 * - `flow_ring(base, group)`: the group takes its turn after the others.
 *
 * The memory store's counterpart is `src/backend/memory/flow_ops.ts`.
 *
 * @module
 */

import { PRIORITY_BAND, PRIORITY_MAX, PRIORITY_SEQ_MID } from "../../../../core/store_limits.ts";

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { FLOW } from "./flow.ts";
 *
 * console.log(FLOW.includes("local function flow_enter")); // true
 * ```
 */
export const FLOW = `
--- @include signal_work
local function flow_base(key, suffix)
  return string.sub(key, 1, #key - #suffix)
end
local function flow_ring(base, group)
  if redis.call('ZSCORE', base .. 'gwait', group) then return end
  if redis.call('ZSCORE', base .. 'groups', group) then return end
  redis.call('ZADD', base .. 'groups', redis.call('HINCRBY', base .. 'flow', 'ring', 1), group)
end
local function flow_enter(base, id, group, priority, head)
  local p = tonumber(priority) or 0
  if (not group or group == '') and p == 0 then return false end
  local seq = redis.call('HINCRBY', base .. 'flow', 'seq', 1)
  if head then seq = -seq end
  local score = (${PRIORITY_MAX} - p) * ${PRIORITY_BAND} + ${PRIORITY_SEQ_MID} + seq
  if group and group ~= '' then
    if redis.call('ZADD', base .. 'gq:' .. group, score, id) == 1 then
      redis.call('HINCRBY', base .. 'flow', 'gwaiting', 1)
    end
    flow_ring(base, group)
  else
    redis.call('ZADD', base .. 'prio', score, id)
  end
  redis.call('ZADD', base .. 'waiting', now_ms(), id)
  return true
end
local function flow_queue(base, key, id, head)
  local f = redis.call('HMGET', key, 'group', 'priority')
  if not flow_enter(base, id, f[1], f[2], head) then
    if head then
      redis.call('LPUSH', base .. 'ready', id)
    else
      redis.call('RPUSH', base .. 'ready', id)
    end
  end
  return f[1]
end
local function flow_unqueue(base, key, id)
  local f = redis.call('HMGET', key, 'group', 'priority')
  redis.call('ZREM', base .. 'waiting', id)
  if f[1] then
    if redis.call('ZREM', base .. 'gq:' .. f[1], id) == 1 then
      redis.call('HINCRBY', base .. 'flow', 'gwaiting', -1)
    end
  elseif (tonumber(f[2]) or 0) ~= 0 then
    redis.call('ZREM', base .. 'prio', id)
  else
    redis.call('LREM', base .. 'ready', 1, id)
  end
end
local function flow_free(base, group)
  if not group or group == '' then return end
  if redis.call('HINCRBY', base .. 'grun', group, -1) <= 0 then
    redis.call('HDEL', base .. 'grun', group)
  end
  if redis.call('EXISTS', base .. 'gq:' .. group) == 1 then
    flow_ring(base, group)
    signal_work(base .. 'signal')
  end
end
`;

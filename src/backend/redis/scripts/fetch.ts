import { script } from "./common.ts";
import { luaMessage, luaString } from "./lua_text.ts";
import { ERROR_NAME, MESSAGE, REASON } from "../../../core/store_errors.ts";
import { JOB_STATUSES } from "../../../core/job_record.ts";
import { PRIORITY_ZERO_BAND } from "../../../core/flow.ts";
import {
  ID_QUOTED_MAX,
  LEASE_SCAN_MS,
  MALFORMED_RAW_MAX,
  QUEUE_ENTRY_MAX,
  RECLAIM_BATCH,
  STATUS_QUOTED_MAX,
} from "../../../core/store_limits.ts";

/**
 * fetch: lease up to N jobs of one queue to a worker.
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] active zset, KEYS[4] signal list,
 * KEYS[5] the queue's key prefix (its finished-jobs indexes, see `finish_job`, and its flow
 * keys, see the flow fragment), KEYS[6] job hash key prefix (the job keys are KEYS[6]..id
 * and share the queue's hash tag), KEYS[7] paused key, KEYS[8] lease hint (a string: no
 * lease expires before it)
 * ARGV[1] max jobs, ARGV[2] lease ms, ARGV[3] owner token, ARGV[4] dead-letter TTL ms,
 * ARGV[5] finished channel, ARGV[6] max stalls (0: no limit), ARGV[7] retention of dead
 * jobs (0: no limit), ARGV[8] the worker's group concurrency for the queue (0: none; the
 * queue's own setting wins)
 * Returns { wakeInMs, now, id, actor, args, deliveries, attempts, errors, enq, opts, due, ... }
 * with 9 fields per job.
 *
 * Steps: (1) when a lease may have expired (the lease hint is due, or gone: it lives
 * LEASE_SCAN_MS, so the active set is looked at that often at least), jobs whose
 * lease expired (up to RECLAIM_BATCH of them) go back to the
 * head of the ready list (a job of a group or a priority to the head of its set, its
 * group slot freed), their 'stalls' count raised by one; a job whose count
 * exceeds the max stalls (when above 0) is dead-lettered with reason stalled instead,
 * and its id is announced on the finished channel; (2) due deferred jobs are leased
 * first, oldest due first, then ready jobs in FIFO order; an entry fetch cannot take is
 * dead-lettered with reason malformed: one with no job data, a job key that is not a
 * hash, an unknown status, a job lacking its actor or arguments, or a job whose id is
 * longer than QUEUE_ENTRY_MAX bytes (enqueued by an older version or by hand). A job
 * record of the entry's own takes the verdict (whatever its id's length) and every
 * record written under the entry's id is announced on the finished channel, so its
 * waiters learn of it; an entry without one is recorded under its own id when at most
 * MALFORMED_RAW_MAX bytes long, else (and for a key of another type) under
 * 'malformed:<sha1 of the entry>'; (3) the work marker is kept when work remains and
 * removed otherwise; the lease hint is set to the earliest lease expiry (exact after a
 * look at the active set, else lowered to the new leases, of either path, when they
 * expire first); (4) wakeInMs tells an idle worker when the next deferred job is due or
 * the next lease expires (-1: neither).
 *
 * Flow control (fragment flow; README "Flow control"): a queue with a rate limit or with
 * prioritised, grouped or expiring jobs takes the flow path: expired waiting jobs that never
 * started are dead-lettered (reason expired); due deferred jobs enter the head of their priority (a
 * plain one the head of the ready list); then, while the queue's rate limit allows, jobs
 * are taken one by one, the grouped and the ungrouped taking turns: ungrouped ones by
 * priority (above 0, then the ready list, then below 0), grouped ones from the group
 * whose turn it is, if it is below its concurrency and its rate; that group then waits
 * for its next turn behind the others. A rate-limited queue drops its work marker and
 * reports in wakeInMs when its next slot frees (or a held group's, or the next expiry). A
 * plain queue takes none of these steps.
 * While the paused key exists, step (1) runs but (2) leases nothing, the work marker is
 * removed and wakeInMs ignores the deferred jobs: idle workers sleep until `queue_resume`
 * leaves the marker. Limits, reasons, error names and messages come from
 * src/core/store_limits.ts and src/core/store_errors.ts.
 *
 * The body is exported as `FETCH_BODY` so that `complete_fetch` can run it too.
 */
export const FETCH_BODY = `
--- @include dead_letter
--- @include signal_work
--- @include flow
--- @include call_many
local ready, deferred, active, signal, states, prefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local max = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local token = ARGV[3]
local maxStalls = tonumber(ARGV[6]) or 0
local now = now_ms()
local base = states
local paused = redis.call('EXISTS', KEYS[7]) == 1

-- The lease hint (KEYS[8]): no lease expires before it (-1: no lease). Missing
-- (it expires after LEASE_SCAN_MS) or due: look at the active set.
local hint = KEYS[8]
local firstLease = tonumber(redis.call('GET', hint))
local expired = {}
local scanned = not firstLease or (firstLease >= 0 and firstLease <= now)
if scanned then
  expired = redis.call('ZRANGEBYSCORE', active, '-inf', now, 'LIMIT', 0, ${RECLAIM_BATCH})
end
for i = #expired, 1, -1 do
  local id = expired[i]
  redis.call('ZREM', active, id)
  local key = prefix .. id
  if redis.call('HGET', key, 'status') == 'in_progress' then
    -- pcall: a corrupted count must not abort the script (it restarts at 1)
    local stalls = redis.pcall('HINCRBY', key, 'stalls', 1)
    if type(stalls) ~= 'number' then
      stalls = 1
      redis.call('HSET', key, 'stalls', 1)
    end
    if maxStalls > 0 and stalls > maxStalls then
      local err = cjson.encode({name = ${luaString(ERROR_NAME.stalled)},
        message = ${luaMessage(MESSAGE.stalled, { stalls: "stalls" })}})
      dead_letter(key, states, id, ${luaString(REASON.stalled)}, err, ARGV[4], now, ARGV[5],
        ARGV[7])
      flow_free(base, redis.call('HGET', key, 'group'))
    else
      redis.call('HDEL', key, 'token')
      redis.call('HSET', key, 'status', 'queued')
      flow_free(base, flow_queue(base, key, id, true))
    end
  end
end

local fl = redis.call('HMGET', base .. 'flow', 'rate_max', 'rate_per', 'gconc', 'grate_max',
  'grate_per', 'turn')
local flow = fl[1] ~= false or
  redis.call('EXISTS', base .. 'prio', base .. 'groups', base .. 'gwait', base .. 'expiring') > 0

-- the new leases (score, id, ...), added to the active set in one ZADD (call_many) before
-- anything reads it
local leases = {}
local known_status = {${JOB_STATUSES.map((s) => `[${luaString(s)}] = true`).join(", ")}}
local out = {0, now}
local n = 0
-- own: the entry's job record takes the verdict; elsewhere: its key holds another
-- type; neither: its own id when short enough
local function malformed(entry, why, own, elsewhere)
  local id = entry
  if elsewhere or (not own and #entry > ${MALFORMED_RAW_MAX}) then
    id = 'malformed:' .. redis.sha1hex(entry)
  end
  local key = prefix .. id
  local err = cjson.encode({name = ${luaString(ERROR_NAME.malformed)}, message = why})
  redis.call('HSET', key, 'raw', string.sub(entry, 1, ${MALFORMED_RAW_MAX}))
  if redis.call('HEXISTS', key, 'enq') == 0 then redis.call('HSET', key, 'enq', now) end
  dead_letter(key, states, id, ${luaString(REASON.malformed)}, err, ARGV[4], now,
    id == entry and ARGV[5], ARGV[7])
end
local function expire(key, id, at)
  local err = cjson.encode({name = ${luaString(ERROR_NAME.expired)},
    message = ${luaMessage(MESSAGE.expired, { at: "at" })}})
  dead_letter(key, states, id, ${luaString(REASON.expired)}, err, ARGV[4], now, ARGV[5], ARGV[7])
end
-- leases the job (returns its deliveries), or judges a bad entry; due: it comes from the
-- deferred zset (a job of a group or a priority then enters its set instead)
local function take(id, due)
  local key = prefix .. id
  local long = #id > ${QUEUE_ENTRY_MAX}
  local shown = long and string.sub(id, 1, ${ID_QUOTED_MAX}) or id
  -- pcall: a key of another type must not abort the script, which would lose
  -- the ids already popped (Redis keeps a script's writes made before an error).
  -- the flow fields only where they can be set: on the flow path, or for a due job (on the
  -- plain path no waiting job has an expiry to check, see the expiring zset)
  local f
  if flow or due then
    f = redis.pcall('HMGET', key, 'status', 'actor', 'args', 'deliveries', 'attempts', 'errors',
      'enq', 'opts', 'due', 'group', 'priority', 'expires')
  else
    f = redis.pcall('HMGET', key, 'status', 'actor', 'args', 'deliveries', 'attempts', 'errors',
      'enq', 'opts', 'due')
  end
  if f.err then
    malformed(id, ${luaMessage(MESSAGE.notAHash, { id: "shown" })}, false, true)
    return
  end
  local st = f[1]
  if not st then
    if long then
      malformed(id, ${luaMessage(MESSAGE.entryTooLong, { bytes: "#id" })})
    else
      malformed(id, ${luaMessage(MESSAGE.noJobData, { id: "id" })})
    end
    return
  end
  if st ~= 'queued' and st ~= 'deferred' then
    -- in_progress or finished: a stale entry; anything else is not a status.
    if not known_status[st] then
      malformed(id, ${
  luaMessage(MESSAGE.unknownStatus, {
    id: "shown",
    status: `string.sub(st, 1, ${STATUS_QUOTED_MAX})`,
  })
}, true)
    end
    return
  end
  if long then
    malformed(id, ${
  luaMessage(MESSAGE.idTooLong, { id: "shown", bytes: "#id", max: String(QUEUE_ENTRY_MAX) })
}, true)
    return
  end
  if not f[2] or not f[3] then
    malformed(id, ${luaMessage(MESSAGE.lacksActorOrArgs, { id: "id" })}, true)
    return
  end
  local expires = tonumber(f[12])
  if expires and expires <= now and (tonumber(f[4]) or 0) == 0 then
    expire(key, id, f[12])
    return
  end
  if due and (f[10] or (tonumber(f[11]) or 0) ~= 0) then
    redis.call('HSET', key, 'status', 'queued')
    flow_enter(base, id, f[10], f[11], true)
    flow = true
    return
  end
  local deliveries = (tonumber(f[4]) or 0) + 1
  redis.call('HSET', key, 'status', 'in_progress', 'token', token, 'started', now,
    'deliveries', deliveries)
  leases[#leases + 1] = now + lease
  leases[#leases + 1] = id
  if f[10] then redis.call('HINCRBY', base .. 'grun', f[10], 1) end
  n = n + 1
  local k = #out
  out[k + 1] = id
  out[k + 2] = f[2]
  out[k + 3] = f[3]
  out[k + 4] = deliveries
  out[k + 5] = tonumber(f[5]) or 0
  out[k + 6] = f[6] or ''
  out[k + 7] = tonumber(f[7]) or now
  out[k + 8] = f[8] or ''
  out[k + 9] = tonumber(f[9]) or 0
  return deliveries
end

-- flow: the rate limit's next free slot when the queue is limited
local limitedUntil = nil
local function flow_take()
  local exp = redis.call('ZRANGEBYSCORE', base .. 'expiring', '-inf', now, 'LIMIT', 0, ${RECLAIM_BATCH})
  for i = 1, #exp do
    local id = exp[i]
    local key = prefix .. id
    redis.call('ZREM', base .. 'expiring', id)
    local f = redis.pcall('HMGET', key, 'status', 'expires', 'deliveries')
    -- a job that has started once (handed back or reclaimed since) does not expire
    if not f.err and (f[1] == 'queued' or f[1] == 'deferred') and tonumber(f[2]) and
      tonumber(f[2]) <= now and (tonumber(f[3]) or 0) == 0 then
      if f[1] == 'deferred' then redis.call('ZREM', deferred, id) else flow_unqueue(base, key, id) end
      expire(key, id, f[2])
    end
  end
  local due = redis.call('ZRANGEBYSCORE', deferred, '-inf', now, 'LIMIT', 0, ${RECLAIM_BATCH})
  -- the newest due first, so that the oldest ends at the head of its priority
  for i = #due, 1, -1 do
    local id = due[i]
    local key = prefix .. id
    redis.call('ZREM', deferred, id)
    local f = redis.pcall('HMGET', key, 'status', 'group', 'priority')
    local entered = false
    if not f.err and f[1] == 'deferred' then
      redis.call('HSET', key, 'status', 'queued')
      entered = flow_enter(base, id, f[2], f[3], true)
    end
    -- a plain job, or an entry take judges
    if not entered then redis.call('LPUSH', ready, id) end
  end
  local cap = max - n
  local rmax, rper = tonumber(fl[1]), tonumber(fl[2])
  local rate = base .. 'rate'
  if rmax and rper then
    redis.call('ZREMRANGEBYSCORE', rate, '-inf', now - rper)
    cap = math.min(cap, math.max(0, rmax - redis.call('ZCARD', rate)))
  end
  local back = redis.call('ZRANGEBYSCORE', base .. 'gwait', '-inf', now, 'LIMIT', 0, ${RECLAIM_BATCH})
  for i = 1, #back do
    redis.call('ZREM', base .. 'gwait', back[i])
    flow_ring(base, back[i])
  end
  local gconc = tonumber(fl[3]) or tonumber(ARGV[8]) or 0
  local grmax, grper = tonumber(fl[4]), tonumber(fl[5])
  local turn = tonumber(fl[6]) or 0
  local popped = 0
  local function ungrouped()
    local top = redis.call('ZRANGE', base .. 'prio', 0, 0, 'WITHSCORES')
    if top[1] and tonumber(top[2]) < ${PRIORITY_ZERO_BAND} then
      redis.call('ZREM', base .. 'prio', top[1])
      redis.call('ZREM', base .. 'waiting', top[1])
      return top[1]
    end
    local id = redis.call('LPOP', ready)
    if id then return id end
    if top[1] then
      redis.call('ZREM', base .. 'prio', top[1])
      redis.call('ZREM', base .. 'waiting', top[1])
      return top[1]
    end
    return nil
  end
  local function grouped()
    while true do
      local g = redis.call('ZPOPMIN', base .. 'groups')[1]
      if not g then return nil end
      local running = tonumber(redis.call('HGET', base .. 'grun', g)) or 0
      -- a group at its concurrency leaves the turns until a slot frees (flow_free)
      if gconc == 0 or running < gconc then
        local heldUntil = nil
        if grmax and grper then
          local gr = base .. 'grate:' .. g
          redis.call('ZREMRANGEBYSCORE', gr, '-inf', now - grper)
          if redis.call('ZCARD', gr) >= grmax then
            heldUntil = tonumber(redis.call('ZRANGE', gr, 0, 0, 'WITHSCORES')[2]) + grper
          end
        end
        if heldUntil then
          redis.call('ZADD', base .. 'gwait', heldUntil, g)
        else
          local job = redis.call('ZPOPMIN', base .. 'gq:' .. g)[1]
          if job then
            redis.call('ZREM', base .. 'waiting', job)
            popped = popped + 1
            return job, g, running
          end
        end
      end
    end
  end
  local target = n + cap
  local turns = turn
  -- once a side has nothing to give, this fetch stops asking it
  local noUngrouped, noGrouped = false, false
  local function next_ungrouped()
    if noUngrouped then return nil end
    local id = ungrouped()
    if not id then noUngrouped = true end
    return id
  end
  local function next_grouped()
    if noGrouped then return nil end
    local id, g, running = grouped()
    if not id then noGrouped = true end
    return id, g, running
  end
  while n < target do
    local id, g, running
    if turns % 2 == 1 then
      id, g, running = next_grouped()
      if not id then id = next_ungrouped() end
    else
      id = next_ungrouped()
      if not id then id, g, running = next_grouped() end
    end
    if not id then break end
    turns = turns + 1
    local deliveries = take(id, false)
    if g then
      if deliveries then
        running = running + 1
        if grmax and grper then
          local gr = base .. 'grate:' .. g
          redis.call('ZADD', gr, now, id .. ':' .. deliveries)
          redis.call('PEXPIRE', gr, grper)
        end
      end
      if (gconc == 0 or running < gconc) and redis.call('EXISTS', base .. 'gq:' .. g) == 1 then
        flow_ring(base, g)
      end
    end
    if deliveries and rmax and rper then
      redis.call('ZADD', rate, now, id .. ':' .. deliveries)
      redis.call('PEXPIRE', rate, rper)
    end
  end
  if popped > 0 then redis.call('HINCRBY', base .. 'flow', 'gwaiting', -popped) end
  if turns % 2 ~= turn % 2 then redis.call('HSET', base .. 'flow', 'turn', turns % 2) end
  if rmax and rper and redis.call('ZCARD', rate) >= rmax then
    limitedUntil = tonumber(redis.call('ZRANGE', rate, 0, 0, 'WITHSCORES')[2]) + rper
  end
end

local nextDue = redis.call('ZRANGE', deferred, 0, 0, 'WITHSCORES')
local readyLeft = true
if max > 0 and not paused then
  if not flow then
    if nextDue[2] and tonumber(nextDue[2]) <= now then
      local due = redis.call('ZRANGEBYSCORE', deferred, '-inf', now, 'LIMIT', 0, max)
      for i = 1, #due do
        redis.call('ZREM', deferred, due[i])
        take(due[i], true)
      end
      nextDue = redis.call('ZRANGE', deferred, 0, 0, 'WITHSCORES')
    end
    -- a due job of a group or a priority turns this fetch to the flow path
    while n < max and not flow do
      local want = max - n
      local ids = redis.call('LPOP', ready, want)
      if not ids then readyLeft = false break end
      for i = 1, #ids do take(ids[i]) end
      -- fewer than asked for: the list is empty
      if #ids < want then readyLeft = false break end
    end
  end
  if flow and n < max then
    flow_take()
    -- flow_take moved the due deferred jobs and may have pushed some on the ready list
    readyLeft = true
    nextDue = redis.call('ZRANGE', deferred, 0, 0, 'WITHSCORES')
  end
end

call_many('ZADD', active, leases)
trim_finished(states, now)

local hasWork = not paused and
  ((readyLeft and redis.call('LLEN', ready) > 0) or (nextDue[2] and tonumber(nextDue[2]) <= now))
if flow and not paused and not hasWork then
  hasWork = redis.call('EXISTS', base .. 'prio', base .. 'groups') > 0
end
-- limited: no marker (idle workers sleep until the next slot), unless nothing waits
if limitedUntil then
  if not hasWork then limitedUntil = nil end
  hasWork = false
end
if hasWork then signal_work(signal) else redis.call('DEL', signal) end

-- The hint after this call: exact when the active set was looked at, else
-- lowered to the leases just given (by either path: all go through take) when
-- they expire first.
local hinted = firstLease
if scanned then
  local first = redis.call('ZRANGE', active, 0, 0, 'WITHSCORES')
  hinted = first[2] and tonumber(first[2]) or -1
end
if n > 0 and (hinted < 0 or now + lease < hinted) then hinted = now + lease end
if scanned then
  redis.call('SET', hint, hinted, 'PX', ${LEASE_SCAN_MS})
elseif hinted ~= firstLease then
  redis.call('SET', hint, hinted, 'KEEPTTL')
end

local wake = -1
if nextDue[2] and not paused then wake = math.max(0, tonumber(nextDue[2]) - now) end
local function sooner(at)
  if not at then return end
  local w = math.max(0, tonumber(at) - now)
  if wake < 0 or w < wake then wake = w end
end
if hinted >= 0 then sooner(hinted) end
if flow and not paused then
  sooner(limitedUntil)
  sooner(redis.call('ZRANGE', base .. 'gwait', 0, 0, 'WITHSCORES')[2])
  sooner(redis.call('ZRANGE', base .. 'expiring', 0, 0, 'WITHSCORES')[2])
end
out[1] = wake
return out
`;

/** The `fetch` script. */
export const fetchScript = script("repidFetch", 8, FETCH_BODY, "refuse-oom");

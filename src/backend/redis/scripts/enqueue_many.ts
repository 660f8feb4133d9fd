import { script } from "./common.ts";

/**
 * enqueue_many: add many jobs to one queue, atomically (all or none).
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] signal list, KEYS[4] job hash key
 * prefix (job keys are KEYS[4]..id and share the queue's hash tag), KEYS[5] the queue's
 * key prefix (its finished-jobs indexes, see `finish_job`)
 * ARGV: 5 values per job, in order: id, actor, args JSON, due (epoch ms, 0 = now),
 * per-job options JSON ('' = none)
 * Returns { now } when every job was created queued (the common case: a short reply costs
 * less on both sides), else { now, codes, enqueuedAt... }: codes has one letter per job, in
 * the order given: 'q' created queued, 'd' created deferred (both enqueued at now), or for
 * an unfinished job kept with the same id its status, 'Q' queued, 'D' deferred, 'R'
 * in_progress, whose enqueuedAt follows codes, one per kept job in order.
 * As in enqueue, an unfinished job with the same id is left as it is (created = 0),
 * a finished one is replaced (and leaves its index); a custom id given twice in one call is
 * stored once. Queued ids are appended to the ready list in the order given (those of a
 * group or a priority other than 0 to their zset, fragment flow).
 */
export const enqueueManyScript = script(
  "repidEnqueueMany",
  5,
  `
--- @include new_job
--- @include signal_work
--- @include flow
--- @include finish_job
local ready, deferred, signal, prefix = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now = now_ms()
local base = flow_base(prefix, 'job:')
local push = {}
local created = 0
-- the codes are kept only from the first job that is not created queued
local plain, codes, kept = 0, nil, {}
local KEPT = { queued = 'Q', deferred = 'D', in_progress = 'R' }
local function code(c)
  if not codes then codes = { string.rep('q', plain) } end
  codes[#codes + 1] = c
end
local function flush()
  if #push > 0 then
    redis.call('RPUSH', ready, unpack(push))
    push = {}
  end
end
for i = 1, #ARGV, 5 do
  local id = ARGV[i]
  local key = prefix .. id
  local st = redis.call('HGET', key, 'status')
  if st == 'queued' or st == 'deferred' or st == 'in_progress' then
    code(KEPT[st])
    kept[#kept + 1] = tonumber(redis.call('HGET', key, 'enq')) or 0
  else
    if st then
      unfinish_job(KEYS[5], key, id, st)
      redis.call('DEL', key)
    end
    local due = tonumber(ARGV[i + 3])
    local status = 'queued'
    if due > now then status = 'deferred' end
    local group, priority = new_job(key, ARGV[i + 1], ARGV[i + 2], status, now, due, ARGV[i + 4],
      base, id)
    if status == 'deferred' then
      redis.call('ZADD', deferred, due, id)
    elseif group or priority then
      flush()
      flow_enter(base, id, group, priority, false)
    else
      push[#push + 1] = id
      if #push >= 1000 then flush() end
    end
    created = created + 1
    if status == 'deferred' then
      code('d')
    elseif codes then
      code('q')
    else
      plain = plain + 1
    end
  end
end
flush()
if created > 0 then signal_work(signal) end
if not codes then return { now } end
local out = { now, table.concat(codes) }
for _, enq in ipairs(kept) do out[#out + 1] = enq end
return out
`,
);

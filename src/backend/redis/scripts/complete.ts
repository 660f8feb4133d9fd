import { script } from "./common.ts";
import { FINISHED_MESSAGE_MAX, INLINE_RESULT_MAX } from "../../../core/store_limits.ts";

/**
 * complete: ack leased jobs and store their results, in one step per job.
 *
 * KEYS[1] active zset, KEYS[2] job hash key prefix (job keys are KEYS[2]..id),
 * KEYS[3] the queue's key prefix (its finished-jobs indexes, see `finish_job`)
 * ARGV[1] finished channel, ARGV[2] retention of done jobs, ARGV[3] retention of failed
 * jobs (0 = no limit), then one argument per job, its 8 values joined by newlines: token,
 * status ('done' | 'failed'), attempts, result TTL ms, error JSON ('' = none), errors
 * JSON, value JSON, id (see `pushCompletions` in ../replies.ts). One argument, not
 * eight: each argument costs the client its own framing, and a worker sends one
 * completion per job. None of the first 7 values holds a newline (a lease token, a
 * status, two numbers, and JSON written by JSON.stringify); the id comes last, so
 * that whatever it holds is read whole.
 * Returns one 1 (stored) or 0 (refused: the token no longer holds the lease) per job.
 * A stored job leaves the active set (and its group slot, fragment flow), keeps its result
 * for the TTL in the index of its status (`finish_job`) and its lease token (which names the
 * worker that ran it; a lease needs status in_progress too), and is announced on the
 * finished channel. One message announces the jobs of the call (a new message
 * is started past FINISHED_MESSAGE_MAX bytes): 11 lines per job, the id then the
 * FINISHED_FIELDS of src/core/job_record.ts, "id\nactor\nstatus\nvalue\nerror\nerrors\n
 * attempts\ndeliveries\nenq\nstarted\nfinished", so that a waiting producer needs no
 * read; a job whose value and errors take more than INLINE_RESULT_MAX bytes has its
 * 10 fields left empty (the producer reads it). The JSON fields are written by
 * JSON.stringify: no raw newline.
 *
 * The body is exported as `COMPLETE_BODY` so that `complete_fetch` can run it too.
 */
export const COMPLETE_BODY = `
--- @include lease
--- @include flow
--- @include finish_job
--- @include call_many
local base = KEYS[3]
-- a job of a group runs only while the queue's grun hash counts it
local grouped = redis.call('EXISTS', base .. 'grun') == 1
local now = now_ms()
local keep = {done = ARGV[2], failed = ARGV[3]}
local res = {}
-- the acked ids leave the active set in one ZREM at the end
local acked = {}
local msg, size = {}, 0
-- A job's completion: its 8 values, split at the first 7 newlines (the id is the rest),
-- in one match (one call, not one per value).
local function completion(packed)
  return string.match(packed, '^(.-)\\n(.-)\\n(.-)\\n(.-)\\n(.-)\\n(.-)\\n(.-)\\n(.*)$')
end
local function announce()
  if #msg > 0 then redis.call('PUBLISH', ARGV[1], table.concat(msg, '\\n')) end
  msg, size = {}, 0
end
for i = 4, #ARGV do
  local token, status, attempts, ttl, err, errors, value, id = completion(ARGV[i])
  local key = KEYS[2] .. id
  local f
  if grouped then
    f = leased(key, token, 'actor', 'deliveries', 'enq', 'started', 'group')
  else
    f = leased(key, token, 'actor', 'deliveries', 'enq', 'started')
  end
  if f then
    if grouped then flow_free(base, f[7]) end
    redis.call('HSET', key, 'status', status, 'value', value, 'errors', errors,
      'attempts', attempts, 'finished', now, 'ixs', now + tonumber(ttl))
    if err ~= '' then redis.call('HSET', key, 'error', err) end
    acked[#acked + 1] = id
    finish_job(KEYS[3], key, id, status, now, ttl, keep[status])
    local bytes = #value + #err + #errors
    if bytes <= ${INLINE_RESULT_MAX} then
      msg[#msg + 1] = id .. '\\n' .. (f[3] or '') .. '\\n' .. status .. '\\n' ..
        value .. '\\n' .. err .. '\\n' .. errors .. '\\n' .. attempts .. '\\n' ..
        (f[4] or '0') .. '\\n' .. (f[5] or '0') .. '\\n' .. (f[6] or '') .. '\\n' .. now
      size = size + bytes
    else
      msg[#msg + 1] = id .. '\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n'
    end
    if size > ${FINISHED_MESSAGE_MAX} then announce() end
    res[#res + 1] = 1
  else
    res[#res + 1] = 0
  end
end
call_many('ZREM', KEYS[1], acked)
trim_finished(KEYS[3], now)
announce()
return res
`;

/** The `complete` script. */
export const completeScript = script("repidComplete", 3, COMPLETE_BODY, "allow-oom");

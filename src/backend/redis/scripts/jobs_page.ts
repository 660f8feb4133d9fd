import { script } from "./common.ts";
import { PAGE_SKIP_MAX } from "../../../core/store_limits.ts";

/**
 * jobs_page: one page of the jobs in one state of a queue, newest first.
 *
 * KEYS[1] the state's list (queued: the ready list, newest at the tail) or zset (deferred,
 * active, or a finished-jobs index; highest score first), KEYS[2] job hash key prefix
 * ARGV[1] 'list' or 'zset', ARGV[2] the most jobs, ARGV[3] the cursor's id ('' = the first
 * page), ARGV[4] the cursor's position (zset: its score; list: how many entries from the
 * tail it was), ARGV[5] the status the jobs of the state have
 * Returns { next id ('' = no more), next position, id, fields (HGETALL), ... }.
 *
 * A page resumes after the cursor's entry, found where it is now (ZREVRANK, LPOS from the
 * tail); an entry that left the state resumes by its position instead (zset: the entries
 * sorting below its score and id; list: the same distance from the tail). An entry whose
 * job has another status (or expired) is passed over, up to PAGE_SKIP_MAX of them per page.
 */
export const jobsPageScript = script(
  "repidJobsPage",
  2,
  `
local key, prefix = KEYS[1], KEYS[2]
local zset = ARGV[1] == 'zset'
local limit = tonumber(ARGV[2])
local cid, cat, want = ARGV[3], tonumber(ARGV[4]), ARGV[5]
local out = {'', 0}
local n, budget = 0, limit + ${PAGE_SKIP_MAX}
local last_id, last_at
local more = false
local function visit(id, at)
  last_id, last_at = id, at
  budget = budget - 1
  local k = prefix .. id
  if redis.call('HGET', k, 'status') == want then
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGETALL', k)
    n = n + 1
  end
end
if zset then
  local start = 0
  if cid ~= '' then
    local r = redis.call('ZREVRANK', key, cid)
    if r and tonumber(redis.call('ZSCORE', key, cid)) == cat then
      start = r + 1
    else
      start = redis.call('ZCOUNT', key, '(' .. cat, '+inf')
      local ties = redis.call('ZRANGEBYSCORE', key, cat, cat)
      for i = 1, #ties do if ties[i] > cid then start = start + 1 end end
    end
  end
  while n < limit and budget > 0 do
    local want_n = math.min(limit - n, budget)
    local got = redis.call('ZREVRANGE', key, start, start + want_n - 1, 'WITHSCORES')
    for i = 1, #got, 2 do visit(got[i], tonumber(got[i + 1])) end
    start = start + #got / 2
    if #got / 2 < want_n then break end
  end
  more = #redis.call('ZREVRANGE', key, start, start) > 0
else
  local len = redis.call('LLEN', key)
  local pos = len - 1
  if cid ~= '' then
    local p = redis.call('LPOS', key, cid, 'RANK', -1)
    if p then pos = p - 1 else pos = len - 1 - cat end
  end
  while n < limit and budget > 0 and pos >= 0 do
    local want_n = math.min(limit - n, budget)
    local from = math.max(0, pos - want_n + 1)
    local got = redis.call('LRANGE', key, from, pos)
    for i = #got, 1, -1 do visit(got[i], len - (from + i - 1)) end
    pos = from - 1
  end
  more = pos >= 0
end
if more and last_id then
  out[1] = last_id
  out[2] = last_at
end
return out
`,
);

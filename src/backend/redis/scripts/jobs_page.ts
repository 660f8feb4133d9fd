import { script } from "./common.ts";
import { PAGE_SKIP_MAX } from "../../../core/store_limits.ts";

/**
 * jobs_page: one page of the jobs in one state of a queue, newest first.
 *
 * KEYS[1] the state's list (queued: the ready list, newest at the tail) or zset (deferred,
 * active; highest score first) or finished-jobs index (highest score first, each entry's
 * ids newest first, see `finish_job`), KEYS[2] job hash key prefix
 * ARGV[1] 'list', 'zset' or 'index', ARGV[2] the most jobs, ARGV[3] the cursor's id ('' = the first
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
--- @include finish_job
local key, prefix = KEYS[1], KEYS[2]
local index = ARGV[1] == 'index'
local zset = index or ARGV[1] == 'zset'
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
  -- an index entry holds the ids of several jobs, oldest first (finish_job): they are
  -- visited newest first; a member of another zset is one id
  local function ids_of(member)
    if index then return index_ids(member) end
    return {member}
  end
  local start, skip = 0, 0
  if cid ~= '' then
    local found = false
    if index then
      for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, cat, cat)) do
        local ids = index_ids(m)
        for j = 1, #ids do
          if ids[j] == cid then
            start, skip, found = redis.call('ZREVRANK', key, m), #ids - j + 1, true
            break
          end
        end
        if found then break end
      end
    else
      local r = redis.call('ZREVRANK', key, cid)
      if r and tonumber(redis.call('ZSCORE', key, cid)) == cat then
        start, found = r + 1, true
      end
    end
    if not found then
      start = redis.call('ZCOUNT', key, '(' .. cat, '+inf')
      if not index then
        local ties = redis.call('ZRANGEBYSCORE', key, cat, cat)
        for i = 1, #ties do if ties[i] > cid then start = start + 1 end end
      end
    end
  end
  local chunk = index and 4 or limit
  while n < limit and budget > 0 do
    local got = redis.call('ZREVRANGE', key, start, start + chunk - 1, 'WITHSCORES')
    if #got == 0 then break end
    for i = 1, #got, 2 do
      local ids, at = ids_of(got[i]), tonumber(got[i + 1])
      local j = #ids - skip
      while j >= 1 and n < limit and budget > 0 do
        visit(ids[j], at)
        j = j - 1
      end
      if j >= 1 then
        -- stopped inside this member: ids remain
        more = true
        break
      end
      skip = 0
      start = start + 1
    end
    if more then break end
  end
  if not more then more = #redis.call('ZREVRANGE', key, start, start) > 0 end
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

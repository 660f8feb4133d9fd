/**
 * Fragment `lease`: does a token still hold a job's lease.
 *
 * `leased(key, token, ...)`: the job hash's fields `token`, `status` and then
 * the fields named in `...` (one `HMGET`) when `token` holds the job's
 * lease (the job is in progress under that token), else `nil` and, as a
 * second value, whether the job was cancelled while leased under that
 * token (the `cancel` script keeps the token of a job it cancels in
 * progress). Every transition of a leased job starts with it. The memory
 * store's counterpart is `leasedRecord` (and `cancelledLease`) in
 * `src/backend/memory/records.ts`.
 *
 * @module
 */

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { LEASE } from "./lease.ts";
 *
 * console.log(LEASE.includes("local function leased")); // true
 * ```
 */
export const LEASE = `
local function leased(key, token, ...)
  local f = redis.call('HMGET', key, 'token', 'status', ...)
  if f[1] == token then
    if f[2] == 'in_progress' then return f end
    return nil, f[2] == 'cancelled'
  end
  return nil, false
end
`;

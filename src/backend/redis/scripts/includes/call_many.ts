/**
 * Fragment `call_many`: one command over many values, in few calls.
 *
 * `call_many(command, key, values)`: runs `command key v1 v2 ...` over the
 * list `values`, at most CALL_MANY_MAX values a call (Lua's `unpack` has a
 * bounded stack; the maximum is even, so ZADD's score and member pairs are
 * never split). A script that touches many jobs of one set (the acks of a
 * batch leaving the active set, the leases joining it) pays one command per
 * batch instead of one per job.
 *
 * @module
 */

/** Values one `call_many` call passes at most (a multiple of 2). */
export const CALL_MANY_MAX = 1_000;

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { CALL_MANY } from "./call_many.ts";
 *
 * console.log(CALL_MANY.includes("local function call_many")); // true
 * ```
 */
export const CALL_MANY = `
local function call_many(command, key, values)
  for i = 1, #values, ${CALL_MANY_MAX} do
    redis.call(command, key, unpack(values, i, math.min(i + ${CALL_MANY_MAX} - 1, #values)))
  end
end
`;

/**
 * Lua helpers shared by the scripts, pasted in front of each script body,
 * and the step that builds a script (its `--- @include` lines resolved, see
 * `./include.ts`).
 *
 * @module
 */

import { resolveIncludes } from "./include.ts";

/** A Redis script: its name, how many KEYS it takes, and its source. */
export interface Script {
  /** The command name it is defined under. */
  name: string;
  /** The number of KEYS. */
  keys: number;
  /** The Lua source. */
  lua: string;
}

/**
 * `now_ms()`: the Redis server clock in epoch milliseconds (one clock for
 * every host). (`signal_work` is the fragment of that name, `includes/`.)
 */
export const LUA_PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * How a script behaves when Redis is out of memory (`maxmemory` reached under
 * `noeviction`), set by its first line (Redis 7 script flags):
 * - `"allow-oom"`: it runs anyway. For the scripts that free memory or do
 *   not grow it (ack, dead-letter, renew or hand back leases), so that a
 *   worker can finish what it holds while Redis is full.
 * - `"refuse-oom"`: it is refused before it starts (Redis replies `OOM`).
 *   For the scripts that lease new jobs, which should wait until memory is
 *   freed.
 * - not given: no first line; Redis refuses the script's first write that
 *   may grow memory (as on every Redis before 7).
 */
export type OomRule = "allow-oom" | "refuse-oom";

/**
 * Builds a script from its name, key count and body: its flags line (when
 * `oom` is given), the prelude, then the fragments the body includes, then
 * the body.
 */
export function script(name: string, keys: number, body: string, oom?: OomRule): Script {
  const shebang = oom === "allow-oom" ? "#!lua flags=allow-oom\n" : oom ? "#!lua\n" : "";
  return { name, keys, lua: shebang + LUA_PRELUDE + resolveIncludes(body) };
}

/** The script without its flags line, for Redis servers before 7 (which lack script flags). */
export function withoutFlags(lua: string): string {
  return lua.startsWith("#!") ? lua.slice(lua.indexOf("\n") + 1) : lua;
}

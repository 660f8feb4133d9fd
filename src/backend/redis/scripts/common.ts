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
 * every host). `signal_work(signal)`: leaves one "there may be work" marker.
 */
export const LUA_PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function signal_work(signal)
  if redis.call('LLEN', signal) == 0 then redis.call('RPUSH', signal, '1') end
end
`;

/**
 * Builds a script from its name, key count and body: the prelude, then the
 * fragments the body includes, then the body.
 */
export function script(name: string, keys: number, body: string): Script {
  return { name, keys, lua: LUA_PRELUDE + resolveIncludes(body) };
}

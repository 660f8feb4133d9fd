/**
 * Lua helpers shared by the scripts, pasted in front of each script body.
 *
 * @module
 */
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
/** Builds a script from its name, key count and body (the prelude is added). */
export function script(name, keys, body) {
    return { name, keys, lua: LUA_PRELUDE + body };
}

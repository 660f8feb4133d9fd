/**
 * Lua helpers shared by the scripts, pasted in front of each script body.
 *
 * @module
 */
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
export declare const LUA_PRELUDE = "\nlocal function now_ms()\n  local t = redis.call('TIME')\n  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\nend\nlocal function signal_work(signal)\n  if redis.call('LLEN', signal) == 0 then redis.call('RPUSH', signal, '1') end\nend\n";
/** Builds a script from its name, key count and body (the prelude is added). */
export declare function script(name: string, keys: number, body: string): Script;

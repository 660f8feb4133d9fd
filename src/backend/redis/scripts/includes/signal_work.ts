/**
 * Fragment `signal_work`: tell idle workers that a queue may have work.
 *
 * `signal_work(signal)`: when the queue's signal list is empty, pushes its
 * one marker (the `BLPOP` of an idle worker takes it) and publishes it on
 * the channel of the same name (a worker serving many queues listens there,
 * one connection per master, rather than blocking on each queue). Nothing
 * when the marker is there already: one wake-up per time the queue goes from
 * drained to not. The memory store's counterpart is `signalWork` in
 * `src/backend/memory/records.ts`.
 *
 * @module
 */

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { SIGNAL_WORK } from "./signal_work.ts";
 *
 * console.log(SIGNAL_WORK.includes("local function signal_work")); // true
 * ```
 */
export const SIGNAL_WORK = `
local function signal_work(signal)
  if redis.call('LLEN', signal) == 0 then
    redis.call('RPUSH', signal, '1')
    redis.call('PUBLISH', signal, '1')
  end
end
`;

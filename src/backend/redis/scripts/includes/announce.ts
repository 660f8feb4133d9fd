/**
 * Fragment `announce`: tell the producers that a job finished.
 *
 * `announce_finished(channel, id)`: publishes the bare id of a finished job
 * on the queue's finished channel; a waiting producer reads its result.
 * (The `complete` script announces the jobs it acks with their results
 * instead, see `complete.ts`.) The memory store's counterpart is
 * `announceFinished` in `src/backend/memory/records.ts`.
 *
 * @module
 */

/**
 * The Lua source of the fragment.
 *
 * @example
 * ```ts
 * import { ANNOUNCE } from "./announce.ts";
 *
 * console.log(ANNOUNCE.includes("local function announce_finished")); // true
 * ```
 */
export const ANNOUNCE = `
local function announce_finished(channel, id)
  redis.call('PUBLISH', channel, id)
end
`;

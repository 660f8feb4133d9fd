import { script } from "./common.ts";

/**
 * queue_pause: pause a queue; no fetch leases a job of it until `queue_resume`
 * (the fetch script reads the paused key). Running jobs are left alone.
 *
 * KEYS[1] paused key
 * ARGV none
 * Returns 1 (paused now) or 0 (it already was).
 */
export const queuePauseScript = script(
  "repidQueuePause",
  1,
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], '1')
return 1
`,
);

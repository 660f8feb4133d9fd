import { script } from "./common.ts";

/**
 * queue_resume: resume a paused queue and leave the work marker, so that idle
 * workers blocked on the signal list fetch at once.
 *
 * KEYS[1] paused key, KEYS[2] signal list
 * ARGV none
 * Returns 1 (resumed now) or 0 (it was not paused).
 */
export const queueResumeScript = script(
  "repidQueueResume",
  2,
  `
--- @include signal_work
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
signal_work(KEYS[2])
return 1
`,
);

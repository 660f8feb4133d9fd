import { script } from "./common.ts";

/**
 * statuses: the status of many jobs of one queue, in one call (the re-read of
 * pending result waits). Reads one field per job: never the arguments or the
 * result, so a call costs the same whatever the jobs hold.
 *
 * KEYS[1] job hash key prefix (job keys are KEYS[1]..id and share the queue's hash tag)
 * ARGV ids
 * Returns one value per id, in order: its status, or false (nil) when the job is unknown.
 */
export const statusesScript = script(
  "repidStatuses",
  1,
  `
local prefix = KEYS[1]
local out = {}
for i = 1, #ARGV do
  out[i] = redis.call('HGET', prefix .. ARGV[i], 'status')
end
return out
`,
);

/**
 * schedule_resume: start creating occurrences of a paused schedule again.
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] signal list,
 * KEYS[5] job hash key prefix (occurrence keys are KEYS[5]..id)
 * ARGV[1] schedule id, ARGV[2] next occurrence (epoch ms)
 * Returns 'resumed', 'active' (it was not paused: nothing changed) or 'gone'.
 */
export declare const scheduleResumeScript: import("./common.ts").Script;

/**
 * schedule_pause: stop creating occurrences of a schedule.
 *
 * KEYS[1] schedule hash, KEYS[2] deferred zset, KEYS[3] ready list, KEYS[4] job hash key
 * prefix (occurrence keys are KEYS[4]..id)
 * ARGV[1] schedule id
 * Returns 1 (paused, or already paused) or 0 (no such schedule). The pending
 * occurrence is removed unless it has started; a started one finishes.
 */
export declare const schedulePauseScript: import("./common.ts").Script;

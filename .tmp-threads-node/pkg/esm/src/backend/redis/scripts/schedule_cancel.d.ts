/**
 * schedule_cancel: remove a schedule.
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] ready list,
 * KEYS[5] the schedule's runs zset, KEYS[6] job hash key prefix (occurrence keys are
 * KEYS[6]..id)
 * ARGV[1] schedule id
 * Returns 1 (removed) or 0 (no such schedule). The unstarted pending
 * occurrence is removed; a started one finishes and finished ones keep their
 * results until they expire.
 */
export declare const scheduleCancelScript: import("./common.ts").Script;

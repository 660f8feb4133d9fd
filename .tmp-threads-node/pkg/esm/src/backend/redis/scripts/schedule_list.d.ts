/**
 * schedule_list: every schedule of a queue.
 *
 * KEYS[1] schedules zset, KEYS[2] schedule hash key prefix (schedule keys are KEYS[2]..id)
 * ARGV: none
 * Returns { id, {field, value, ...}, ... }, soonest next run first. Ids
 * whose record is gone are dropped from the zset.
 */
export declare const scheduleListScript: import("./common.ts").Script;

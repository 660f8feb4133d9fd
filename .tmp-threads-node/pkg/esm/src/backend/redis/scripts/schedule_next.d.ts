/**
 * schedule_next: a worker started the occurrence due at ARGV[2]; record it
 * and move the schedule on to ARGV[3] (compare-and-set).
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] signal list,
 * KEYS[5] the schedule's runs zset, KEYS[6] job hash key prefix (occurrence keys are
 * KEYS[6]..id)
 * ARGV[1] schedule id, ARGV[2] due time of the started occurrence (epoch ms), ARGV[3] next
 * occurrence (epoch ms, > ARGV[2]), ARGV[4] how many recent occurrence ids to keep
 * Returns 'advanced', 'stale' (the record's next run is not ARGV[2]: already advanced by
 * another delivery, or the timing was reset), 'paused', or 'gone' (no such schedule).
 *
 * The started occurrence is added to the runs zset (trimmed to ARGV[4]) and
 * `last` follows the latest one. Only when `next` equals ARGV[2] and the
 * schedule is active: `next` becomes ARGV[3] and that occurrence's job is
 * created, unless a job with its id exists (never replacing a finished one).
 */
export declare const scheduleNextScript: import("./common.ts").Script;

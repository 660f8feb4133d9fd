/**
 * schedule_upsert: register a recurring job (create, keep or update it).
 *
 * KEYS[1] schedule hash, KEYS[2] schedules zset, KEYS[3] deferred zset, KEYS[4] ready list,
 * KEYS[5] signal list, KEYS[6] job hash key prefix (occurrence keys are KEYS[6]..id)
 * ARGV[1] schedule id, ARGV[2] actor, ARGV[3] args JSON, ARGV[4] per-job options JSON,
 * ARGV[5] period ms ('' for cron), ARGV[6] anchor ms ('' for cron), ARGV[7] cron ('' for a
 * period), ARGV[8] tz, ARGV[9] catch up ('1' | '0'), ARGV[10] rule key, ARGV[11] definition
 * key, ARGV[12] registration time (store clock), ARGV[13] first occurrence (epoch ms)
 * Returns { outcome ('created' | 'updated' | 'kept'), status ('active' | 'paused'), next }.
 *
 * Absent: the record is created with next = ARGV[13] and its first occurrence.
 * Same definition key: nothing changes (a missing pending occurrence of an
 * active schedule is recreated). Other definition: actor, arguments, options
 * and catch-up are replaced; if the rule key changed too, the unstarted
 * pending occurrence is removed and the timing restarts at ARGV[13],
 * otherwise an unstarted pending occurrence gets the new definition. A paused
 * schedule stays paused. The pending occurrence is created only when no job
 * with its id exists.
 */
export declare const scheduleUpsertScript: import("./common.ts").Script;

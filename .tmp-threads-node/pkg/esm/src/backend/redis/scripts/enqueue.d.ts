/**
 * enqueue: add one job to a queue.
 *
 * KEYS[1] job hash, KEYS[2] ready list, KEYS[3] deferred zset, KEYS[4] signal list
 * ARGV[1] id, ARGV[2] actor, ARGV[3] args JSON, ARGV[4] due (epoch ms, 0 = now),
 * ARGV[5] per-job options JSON ('' = none)
 * Returns { created (1 | 0), status }. An unfinished job with the same id is
 * left as it is (created = 0); a finished one is replaced.
 */
export declare const enqueueScript: import("./common.ts").Script;

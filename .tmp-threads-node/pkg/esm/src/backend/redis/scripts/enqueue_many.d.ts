/**
 * enqueue_many: add many jobs to one queue, atomically (all or none).
 *
 * KEYS[1] ready list, KEYS[2] deferred zset, KEYS[3] signal list, KEYS[4] job hash key
 * prefix (job keys are KEYS[4]..id and share the queue's hash tag)
 * ARGV: 5 values per job, in order: id, actor, args JSON, due (epoch ms, 0 = now),
 * per-job options JSON ('' = none)
 * Returns { created (1 | 0), status, ... }: 2 values per job, in the order given.
 * As in enqueue, an unfinished job with the same id is left as it is (created = 0),
 * a finished one is replaced; a custom id given twice in one call is stored once.
 * Queued ids are appended to the ready list in the order given.
 */
export declare const enqueueManyScript: import("./common.ts").Script;

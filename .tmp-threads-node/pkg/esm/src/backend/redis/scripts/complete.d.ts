/**
 * complete: ack leased jobs and store their results, in one step per job.
 *
 * KEYS[1] active zset, KEYS[2] job hash key prefix (job keys are KEYS[2]..id)
 * ARGV[1] finished channel, then 8 values per job: id, token, status ('done' | 'failed'),
 * value JSON, error JSON ('' = none), errors JSON, attempts, result TTL ms
 * Returns one 1 (stored) or 0 (refused: the token no longer holds the lease) per job.
 * A stored job leaves the active set, keeps its result for the TTL, and its id is
 * published on the finished channel.
 */
export declare const completeScript: import("./common.ts").Script;

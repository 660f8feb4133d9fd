/**
 * release: hand leases back so the jobs run elsewhere (graceful shutdown).
 *
 * KEYS[1] active zset, KEYS[2] ready list, KEYS[3] signal list, KEYS[4] job hash key
 * prefix (job keys are KEYS[4]..id)
 * ARGV pairs of id, token
 * Returns one 1 (returned to the head of the queue) or 0 (lease not held) per job.
 */
export declare const releaseScript: import("./common.ts").Script;

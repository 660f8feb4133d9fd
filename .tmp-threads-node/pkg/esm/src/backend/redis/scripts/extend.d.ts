/**
 * extend: renew the leases of running jobs.
 *
 * KEYS[1] active zset, KEYS[2] job hash key prefix (job keys are KEYS[2]..id)
 * ARGV[1] lease ms, then pairs of id, token
 * Returns the ids whose lease the token no longer holds (nothing renewed for them).
 */
export declare const extendScript: import("./common.ts").Script;

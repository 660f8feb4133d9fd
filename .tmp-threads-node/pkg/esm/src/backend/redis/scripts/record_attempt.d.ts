/**
 * record_attempt: store a failed attempt of a job that stays leased for a retry.
 *
 * KEYS[1] job hash
 * ARGV[1] token, ARGV[2] attempts so far, ARGV[3] errors JSON
 * Returns 1 (stored) or 0 (refused: the token no longer holds the lease).
 */
export declare const recordAttemptScript: import("./common.ts").Script;

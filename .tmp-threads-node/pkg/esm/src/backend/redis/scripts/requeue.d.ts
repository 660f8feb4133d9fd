/**
 * requeue: put a leased job back after a delay (its actor is unknown to this
 * worker), or dead-letter it once it has been delivered often enough.
 *
 * KEYS[1] active zset, KEYS[2] deferred zset, KEYS[3] signal list, KEYS[4] dead zset,
 * KEYS[5] job hash
 * ARGV[1] id, ARGV[2] token, ARGV[3] delay ms, ARGV[4] max deliveries (0 = no limit),
 * ARGV[5] reason, ARGV[6] error JSON for a dead letter, ARGV[7] finished channel,
 * ARGV[8] dead-letter TTL ms
 * Returns 'requeued', 'dead', or 'lost' (the token no longer holds the lease).
 */
export declare const requeueScript: import("./common.ts").Script;

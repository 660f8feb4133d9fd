/**
 * dead_letter: end a leased job that cannot run (malformed arguments, ...)
 * with its reason stored.
 *
 * KEYS[1] active zset, KEYS[2] dead zset, KEYS[3] job hash
 * ARGV[1] id, ARGV[2] token, ARGV[3] reason, ARGV[4] error JSON, ARGV[5] finished channel,
 * ARGV[6] TTL ms
 * Returns 1 (dead-lettered) or 0 (refused: the token no longer holds the lease).
 */
export declare const deadLetterScript: import("./common.ts").Script;

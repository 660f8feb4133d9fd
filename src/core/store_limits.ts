/**
 * The limits every store applies, in one place: the Lua scripts get them
 * substituted into their source and the memory store imports them, so the
 * two stores cannot drift apart.
 *
 * @module
 */

import { MAX_JOB_ID_LENGTH } from "./names.ts";

/**
 * How long the record of a dead-lettered job is kept: seven days.
 *
 * @example
 * ```ts
 * import { DEAD_TTL_MS } from "./store_limits.ts";
 *
 * console.log(DEAD_TTL_MS / 86_400_000); // 7
 * ```
 */
export const DEAD_TTL_MS = 7 * 86_400_000;

/**
 * Results larger than this (value plus errors, in UTF-8 bytes) are not
 * carried by the finished notification: a waiting producer reads them.
 *
 * @example
 * ```ts
 * import { INLINE_RESULT_MAX } from "./store_limits.ts";
 *
 * console.log(INLINE_RESULT_MAX); // 8192
 * ```
 */
export const INLINE_RESULT_MAX = 8_192;

/**
 * A finished message is sent once the results it carries pass this many
 * bytes, and a new one is started.
 *
 * @example
 * ```ts
 * import { FINISHED_MESSAGE_MAX } from "./store_limits.ts";
 *
 * console.log(FINISHED_MESSAGE_MAX); // 65536
 * ```
 */
export const FINISHED_MESSAGE_MAX = 65_536;

/**
 * How many expired leases one fetch returns to their queue at most (the
 * rest wait for the next fetch).
 *
 * @example
 * ```ts
 * import { RECLAIM_BATCH } from "./store_limits.ts";
 *
 * console.log(RECLAIM_BATCH); // 1000
 * ```
 */
export const RECLAIM_BATCH = 1_000;

/**
 * Fetch looks for expired leases only when one may have expired (it keeps
 * the earliest lease expiry it knows of) and, whatever it knows, at least
 * once every this many milliseconds per queue.
 *
 * @example
 * ```ts
 * import { LEASE_SCAN_MS } from "./store_limits.ts";
 *
 * console.log(LEASE_SCAN_MS); // 1000
 * ```
 */
export const LEASE_SCAN_MS = 1_000;

/**
 * How many expired entries of a finished-jobs index one script call that
 * finishes jobs removes at most (each entry holds the ids of up to
 * {@linkcode INDEX_ENTRY_IDS} jobs; the queue's counts never include them:
 * they are only memory until removed), and how many jobs beyond the
 * retention it deletes at most.
 *
 * @example
 * ```ts
 * import { FINISHED_TRIM_BATCH } from "./store_limits.ts";
 *
 * console.log(FINISHED_TRIM_BATCH); // 100
 * ```
 */
export const FINISHED_TRIM_BATCH = 100;

/**
 * How many job ids one entry of a finished-jobs index holds at most: the
 * jobs one script call finishes with one status and one expiry share an
 * entry (one ZADD per call, not one per job).
 *
 * @example
 * ```ts
 * import { INDEX_ENTRY_IDS } from "./store_limits.ts";
 *
 * console.log(INDEX_ENTRY_IDS); // 100
 * ```
 */
export const INDEX_ENTRY_IDS = 100;

/**
 * The span of one throughput count (`q.throughput()`): jobs finished per
 * minute, per queue and status, in milliseconds.
 *
 * @example
 * ```ts
 * import { THROUGHPUT_MINUTE_MS } from "./store_limits.ts";
 *
 * console.log(THROUGHPUT_MINUTE_MS); // 60000
 * ```
 */
export const THROUGHPUT_MINUTE_MS = 60_000;

/**
 * How long the per-minute throughput counts are kept, in milliseconds: 24
 * hours, plus the minute being counted (each minute's count expires by itself).
 *
 * @example
 * ```ts
 * import { THROUGHPUT_KEEP_MS } from "./store_limits.ts";
 *
 * console.log(THROUGHPUT_KEEP_MS / 3_600_000); // 24.016666666666666
 * ```
 */
export const THROUGHPUT_KEEP_MS = 24 * 3_600_000 + 60_000;

/**
 * The most jobs one page of `q.jobs()` holds.
 *
 * @example
 * ```ts
 * import { PAGE_MAX } from "./store_limits.ts";
 *
 * console.log(PAGE_MAX); // 1000
 * ```
 */
export const PAGE_MAX = 1_000;

/**
 * How many entries a page of `q.jobs()` passes over at most besides those it
 * returns (entries whose job expired or moved on meanwhile); past them the
 * page ends early, with a cursor.
 *
 * @example
 * ```ts
 * import { PAGE_SKIP_MAX } from "./store_limits.ts";
 *
 * console.log(PAGE_SKIP_MAX); // 1000
 * ```
 */
export const PAGE_SKIP_MAX = 1_000;

/**
 * How many jobs one call of a bulk operation (`q.purge()`, `q.requeue()`)
 * moves at most: the operation repeats the call until the state is empty, so
 * that Redis is never blocked for more than a few milliseconds.
 *
 * @example
 * ```ts
 * import { BULK_BATCH } from "./store_limits.ts";
 *
 * console.log(BULK_BATCH); // 500
 * ```
 */
export const BULK_BATCH = 500;

/**
 * A queue entry longer than this (in UTF-8 bytes) is not a job id: it is
 * dead-lettered as malformed.
 *
 * @example
 * ```ts
 * import { QUEUE_ENTRY_MAX } from "./store_limits.ts";
 *
 * console.log(QUEUE_ENTRY_MAX); // 256
 * ```
 */
export const QUEUE_ENTRY_MAX = MAX_JOB_ID_LENGTH;

/**
 * A malformed queue entry longer than this (in UTF-8 bytes) is recorded
 * under `malformed:<sha1 of the entry>`, and at most this many bytes of it
 * are kept (field `raw`).
 *
 * @example
 * ```ts
 * import { MALFORMED_RAW_MAX } from "./store_limits.ts";
 *
 * console.log(MALFORMED_RAW_MAX); // 200
 * ```
 */
export const MALFORMED_RAW_MAX = 200;

/**
 * At most this many bytes of an over-long id are quoted in the error of the
 * entry dead-lettered for it.
 *
 * @example
 * ```ts
 * import { ID_QUOTED_MAX } from "./store_limits.ts";
 *
 * console.log(ID_QUOTED_MAX); // 40
 * ```
 */
export const ID_QUOTED_MAX = 40;

/**
 * At most this many bytes of an unknown stored status are quoted in the
 * error of the job dead-lettered for it.
 *
 * @example
 * ```ts
 * import { STATUS_QUOTED_MAX } from "./store_limits.ts";
 *
 * console.log(STATUS_QUOTED_MAX); // 40
 * ```
 */
export const STATUS_QUOTED_MAX = 40;

/**
 * How many recent occurrence ids a schedule keeps (for its latest result).
 *
 * @example
 * ```ts
 * import { SCHEDULE_RUNS_KEPT } from "./store_limits.ts";
 *
 * console.log(SCHEDULE_RUNS_KEPT); // 20
 * ```
 */
export const SCHEDULE_RUNS_KEPT = 20;

/**
 * The highest job priority; the lowest is its negative (priorities are
 * integers from -PRIORITY_MAX to PRIORITY_MAX, default 0).
 *
 * @example
 * ```ts
 * import { PRIORITY_MAX } from "./store_limits.ts";
 *
 * console.log(PRIORITY_MAX); // 1000
 * ```
 */
export const PRIORITY_MAX = 1_000;

/**
 * The width of one priority's band of scores in the sorted sets of waiting
 * prioritised or grouped jobs: a job's score is `(PRIORITY_MAX - priority) *
 * PRIORITY_BAND + PRIORITY_SEQ_MID ± seq`, where `seq` counts the queue's
 * insertions (`+`: behind the jobs of its priority; `-`: ahead of them, for a
 * job handed back or due). Every score stays below 2⁵³, exact in a double.
 *
 * @example
 * ```ts
 * import { PRIORITY_BAND } from "./store_limits.ts";
 *
 * console.log(PRIORITY_BAND === 2 ** 42); // true
 * ```
 */
export const PRIORITY_BAND = 2 ** 42;

/**
 * The middle of a priority's band (see {@linkcode PRIORITY_BAND}).
 *
 * @example
 * ```ts
 * import { PRIORITY_SEQ_MID } from "./store_limits.ts";
 *
 * console.log(PRIORITY_SEQ_MID === 2 ** 41); // true
 * ```
 */
export const PRIORITY_SEQ_MID = 2 ** 41;

/**
 * The longest group name, in UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { GROUP_NAME_MAX } from "./store_limits.ts";
 *
 * console.log(GROUP_NAME_MAX); // 200
 * ```
 */
export const GROUP_NAME_MAX = 200;

/**
 * The retention a store applies for a requested one: at least 1 ms (a
 * record kept for 0 ms or less would vanish before it is read once).
 *
 * @example
 * ```ts
 * import { clampTtlMs } from "./store_limits.ts";
 *
 * console.log(clampTtlMs(0), clampTtlMs(5_000)); // 1 5000
 * ```
 */
export function clampTtlMs(ttlMs: number): number {
  return Math.max(1, ttlMs);
}

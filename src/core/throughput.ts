/**
 * The per-minute throughput counts of a queue (`q.throughput()`): how many
 * jobs finished in each minute, per finished status, kept by the store for
 * 24 hours. Pure logic: which minutes a read covers, and one minute's row.
 *
 * @module
 */

import type { FinishedStatus } from "./job.ts";
import { FINISHED_STATES } from "./queue_state.ts";
import { THROUGHPUT_KEEP_MS, THROUGHPUT_MINUTE_MS } from "./store_limits.ts";

/** The jobs of a queue that finished in one minute, per status. */
export interface ThroughputMinute {
  /** The minute's start (epoch ms, store clock). */
  at: number;
  /** Jobs that finished `done`. */
  done: number;
  /** Jobs that finished `failed`. */
  failed: number;
  /** Jobs dead-lettered. */
  dead: number;
  /** Jobs cancelled. */
  cancelled: number;
}

/**
 * The minute numbers (epoch ms / 60000) from the minute of `since` to that
 * of `now`, oldest first, starting no earlier than the counts are kept.
 *
 * @example
 * ```ts
 * import { throughputMinutes } from "./throughput.ts";
 *
 * console.log(throughputMinutes(120_000, 250_000)); // [2, 3, 4]
 * ```
 */
export function throughputMinutes(since: number, now: number): number[] {
  const last = Math.floor(now / THROUGHPUT_MINUTE_MS);
  const kept = Math.floor((now - THROUGHPUT_KEEP_MS) / THROUGHPUT_MINUTE_MS) + 1;
  const first = Math.max(Math.floor(since / THROUGHPUT_MINUTE_MS), kept);
  const out: number[] = [];
  for (let m = first; m <= last; m++) out.push(m);
  return out;
}

/**
 * The row of minute `minute` from its stored counts (numbers, or the
 * strings a Redis hash holds; absent or unreadable counts are 0).
 *
 * @example
 * ```ts
 * import { throughputRow } from "./throughput.ts";
 *
 * console.log(throughputRow(2, { done: "5" }));
 * // { at: 120000, done: 5, failed: 0, dead: 0, cancelled: 0 }
 * ```
 */
export function throughputRow(
  minute: number,
  counts: Partial<Record<FinishedStatus, number | string | null>>,
): ThroughputMinute {
  const row = { at: minute * THROUGHPUT_MINUTE_MS } as ThroughputMinute;
  for (const status of FINISHED_STATES) {
    const n = Number(counts[status] ?? 0);
    row[status] = Number.isSafeInteger(n) && n > 0 ? n : 0;
  }
  return row;
}

/**
 * Flow control's rules, the same on every store: the checks of a job's
 * `priority`, `group` and expiry and of a queue's limits, and the score that
 * orders waiting prioritised or grouped jobs.
 *
 * @module
 */

import { describe, utf8Length } from "./names.ts";
import { GROUP_NAME_MAX, PRIORITY_BAND, PRIORITY_MAX, PRIORITY_SEQ_MID } from "./store_limits.ts";

/** At most `max` starts in any window of `perMs` milliseconds. */
export interface RateLimit {
  /** How many jobs may start in one window: a safe integer ≥ 1. */
  max: number;
  /** The window's length in milliseconds: a safe integer ≥ 1. */
  perMs: number;
}

/** The limits of the groups of one queue (each group on its own). */
export interface GroupLimits {
  /**
   * At most this many jobs of one group run at once, across all workers: a
   * safe integer ≥ 1.
   * @default {the largest `groupConcurrency` of the worker's actors on the queue, else no limit}
   */
  concurrency?: number;
  /**
   * At most this many jobs of one group start per window.
   * @default {no limit}
   */
  rate?: RateLimit;
}

/**
 * Throws unless `value` is an integer priority from -PRIORITY_MAX to
 * PRIORITY_MAX; returns it.
 *
 * @example
 * ```ts
 * import { assertPriority } from "./flow.ts";
 *
 * console.log(assertPriority(10, "Cannot enqueue job")); // 10
 * ```
 */
export function assertPriority(value: unknown, action: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`${action}: priority must be an integer, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || Math.abs(value) > PRIORITY_MAX) {
    throw new RangeError(
      `${action}: priority is ${value}, expected an integer from ${-PRIORITY_MAX} to ${PRIORITY_MAX}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is a group name: a non-empty string of at most
 * GROUP_NAME_MAX UTF-8 bytes; returns it.
 *
 * @example
 * ```ts
 * import { assertGroup } from "./flow.ts";
 *
 * console.log(assertGroup("account-42", "Cannot enqueue job")); // "account-42"
 * ```
 */
export function assertGroup(value: unknown, action: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`${action}: group must be a string, got ${describe(value)}`);
  }
  const bytes = utf8Length(value);
  if (bytes === 0 || bytes > GROUP_NAME_MAX) {
    throw new RangeError(
      `${action}: group ${describe(value.slice(0, 40))}${value.length > 40 ? "…" : ""} is ` +
        `${bytes} bytes long, expected 1 to ${GROUP_NAME_MAX} bytes`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is a positive safe integer (a count or a number of
 * milliseconds, named `what`); returns it.
 *
 * @example
 * ```ts
 * import { assertPositive } from "./flow.ts";
 *
 * console.log(assertPositive(2, "groupConcurrency", "Cannot add actor")); // 2
 * ```
 */
export function assertPositive(value: unknown, what: string, action: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`${action}: ${what} must be a positive integer, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${action}: ${what} is ${value}, expected a positive integer`);
  }
  return value;
}

/**
 * Throws unless `value` is a {@linkcode RateLimit} (named `what`); returns a
 * copy.
 *
 * @example
 * ```ts
 * import { assertRateLimit } from "./flow.ts";
 *
 * console.log(assertRateLimit({ max: 100, perMs: 1_000 }, "rate", "Cannot set rate limit"));
 * ```
 */
export function assertRateLimit(value: unknown, what: string, action: string): RateLimit {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `${action}: ${what} must be an object { max, perMs }, got ${describe(value)}`,
    );
  }
  const o = value as { max?: unknown; perMs?: unknown };
  return {
    max: assertPositive(o.max, `${what}.max`, action),
    perMs: assertPositive(o.perMs, `${what}.perMs`, action),
  };
}

/**
 * Throws unless `value` is {@linkcode GroupLimits}; returns a copy.
 *
 * @example
 * ```ts
 * import { assertGroupLimits } from "./flow.ts";
 *
 * console.log(assertGroupLimits({ concurrency: 2 }, "Cannot set group limits"));
 * ```
 */
export function assertGroupLimits(value: unknown, action: string): GroupLimits {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `${action}: limits must be an object { concurrency, rate }, got ${describe(value)}`,
    );
  }
  const o = value as { concurrency?: unknown; rate?: unknown };
  const out: GroupLimits = {};
  if (o.concurrency !== undefined) {
    out.concurrency = assertPositive(o.concurrency, "concurrency", action);
  }
  if (o.rate !== undefined) out.rate = assertRateLimit(o.rate, "rate", action);
  return out;
}

/**
 * The score of a waiting job of `priority` in a sorted set of waiting jobs,
 * the `seq`-th insertion of its queue: `head` puts it ahead of the jobs of
 * its priority (handed back, or due), else behind them (see
 * `PRIORITY_BAND`). The Redis scripts compute the same in Lua.
 *
 * @example
 * ```ts
 * import { waitingScore } from "./flow.ts";
 *
 * console.log(waitingScore(10, 1, false) < waitingScore(0, 1, false)); // true
 * ```
 */
export function waitingScore(priority: number, seq: number, head: boolean): number {
  return (PRIORITY_MAX - priority) * PRIORITY_BAND + PRIORITY_SEQ_MID + (head ? -seq : seq);
}

/**
 * Scores below this one are of jobs with a priority above 0 (served before
 * the plain queued jobs, which have priority 0).
 *
 * @example
 * ```ts
 * import { PRIORITY_ZERO_BAND, waitingScore } from "./flow.ts";
 *
 * console.log(waitingScore(1, 5, false) < PRIORITY_ZERO_BAND); // true
 * ```
 */
export const PRIORITY_ZERO_BAND = PRIORITY_MAX * PRIORITY_BAND;

/**
 * The names a store's flow state uses besides the job record (the Redis key
 * suffixes under a queue's base, and the fields of its `flow` hash); the
 * scripts use these and a test checks that they use no other.
 *
 * @example
 * ```ts
 * import { FLOW_STORE_NAMES } from "./flow.ts";
 *
 * console.log(FLOW_STORE_NAMES.includes("groups")); // true
 * ```
 */
export const FLOW_STORE_NAMES = [
  // key suffixes
  "flow",
  "prio",
  "gq:",
  "groups",
  "grun",
  "gwait",
  "grate:",
  "rate",
  "expiring",
  "waiting",
  // the flow hash
  "seq",
  "ring",
  "turn",
  "gwaiting",
  "rate_max",
  "rate_per",
  "gconc",
  "grate_max",
  "grate_per",
] as const;

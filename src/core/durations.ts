/**
 * Durations: `seconds(n)`, `minutes(n)`, `hours(n)` and `days(n)` in
 * milliseconds, for every option that takes a duration.
 *
 * @module
 */

import { describe } from "./names.ts";

function duration(value: number, unit: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot compute ${name}(${describe(value)}): expected a finite number ≥ 0`,
    );
  }
  const ms = Math.round(value * unit);
  if (!Number.isSafeInteger(ms)) {
    throw new RangeError(`Cannot compute ${name}(${value}): ${ms} ms is too large`);
  }
  return ms;
}

/**
 * `n` seconds in milliseconds.
 *
 * @example
 * ```ts
 * import { seconds } from "@repid/repid";
 *
 * console.log(seconds(30)); // 30000
 * ```
 */
export function seconds(n: number): number {
  return duration(n, 1_000, "seconds");
}

/**
 * `n` minutes in milliseconds.
 *
 * @example
 * ```ts
 * import { minutes } from "@repid/repid";
 *
 * console.log(minutes(5)); // 300000
 * ```
 */
export function minutes(n: number): number {
  return duration(n, 60_000, "minutes");
}

/**
 * `n` hours in milliseconds.
 *
 * @example
 * ```ts
 * import { hours } from "@repid/repid";
 *
 * console.log(hours(2)); // 7200000
 * ```
 */
export function hours(n: number): number {
  return duration(n, 3_600_000, "hours");
}

/**
 * `n` days of exactly 24 hours in milliseconds (`days(1)` is 86 400 000).
 * A fixed period ignores daylight saving time; use a `cron` pattern with a
 * `tz` for "every day at 9:00 local time".
 *
 * @example
 * ```ts
 * import { days } from "@repid/repid";
 *
 * console.log(days(1)); // 86400000
 * ```
 */
export function days(n: number): number {
  return duration(n, 86_400_000, "days");
}

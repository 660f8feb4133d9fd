/**
 * Time values: everything is UTC epoch milliseconds.
 *
 * @module
 */

import { describe } from "./names.ts";

/**
 * Turns a `deferUntil` value (`Date` or epoch milliseconds) into epoch
 * milliseconds, or throws a `TypeError`/`RangeError` naming the value.
 */
export function toEpochMs(value: Date | number, what: string, action: string): number {
  let ms: number;
  if (value instanceof Date) {
    ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`${action}: ${what} is an invalid Date`);
  } else if (typeof value === "number") {
    ms = value;
  } else {
    throw new TypeError(
      `${action}: ${what} must be a Date or epoch milliseconds, got ${describe(value)}`,
    );
  }
  if (!Number.isInteger(ms) || Math.abs(ms) > MAX_EPOCH_MS) {
    throw new RangeError(
      `${action}: ${what} is ${ms}, expected an integer number of epoch milliseconds within ` +
        `±${MAX_EPOCH_MS} (the range of a Date)`,
    );
  }
  return ms;
}

/**
 * The latest and earliest time a `Date` can hold, in epoch milliseconds
 * (±8.64·10¹⁵, about 275,000 years from 1970): the range of `deferUntil`.
 */
export const MAX_EPOCH_MS = 8_640_000_000_000_000;

/** One hour in milliseconds: the bound of the durations that pace a timer loop. */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/**
 * Throws unless `value` is a safe integer of milliseconds from `min` to
 * `max` (by default any non-negative safe integer); returns it. The message
 * names the value, the option and the range.
 */
export function assertDuration(
  value: unknown,
  what: string,
  action: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `${action}: ${what} must be a number of milliseconds, got ${describe(value)}`,
    );
  }
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    const unit = max === HOUR_MS ? " (one hour)" : max === DAY_MS ? " (one day)" : "";
    throw new RangeError(
      `${action}: ${what} is ${value}, expected an integer number of milliseconds ${range}${unit}`,
    );
  }
  return value;
}

/**
 * Throws unless `value` is a non-negative safe integer count; returns it.
 */
export function assertCount(value: unknown, what: string, action: string, min = 0): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${action}: ${what} is ${describe(value)}, expected an integer ≥ ${min}`);
  }
  return value;
}

/**
 * Time values: everything is UTC epoch milliseconds.
 *
 * @module
 */
import { describe } from "./names.js";
/**
 * Turns a `deferUntil` value (`Date` or epoch milliseconds) into epoch
 * milliseconds, or throws a `TypeError`/`RangeError` naming the value.
 */
export function toEpochMs(value, what, action) {
    let ms;
    if (value instanceof Date) {
        ms = value.getTime();
        if (Number.isNaN(ms))
            throw new RangeError(`${action}: ${what} is an invalid Date`);
    }
    else if (typeof value === "number") {
        ms = value;
    }
    else {
        throw new TypeError(`${action}: ${what} must be a Date or epoch milliseconds, got ${describe(value)}`);
    }
    if (!Number.isFinite(ms) || !Number.isInteger(ms)) {
        throw new RangeError(`${action}: ${what} is ${ms}, expected a finite integer number of epoch milliseconds`);
    }
    return ms;
}
/**
 * Throws unless `value` is a non-negative safe integer of milliseconds (or
 * at least `min`); returns it.
 */
export function assertDuration(value, what, action, min = 0) {
    if (typeof value !== "number") {
        throw new TypeError(`${action}: ${what} must be a number of milliseconds, got ${describe(value)}`);
    }
    if (!Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`${action}: ${what} is ${value}, expected an integer number of milliseconds ≥ ${min}`);
    }
    return value;
}
/**
 * Throws unless `value` is a non-negative safe integer count; returns it.
 */
export function assertCount(value, what, action, min = 0) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`${action}: ${what} is ${describe(value)}, expected an integer ≥ ${min}`);
    }
    return value;
}

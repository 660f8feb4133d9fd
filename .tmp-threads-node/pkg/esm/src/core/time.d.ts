/**
 * Time values: everything is UTC epoch milliseconds.
 *
 * @module
 */
/**
 * Turns a `deferUntil` value (`Date` or epoch milliseconds) into epoch
 * milliseconds, or throws a `TypeError`/`RangeError` naming the value.
 */
export declare function toEpochMs(value: Date | number, what: string, action: string): number;
/**
 * Throws unless `value` is a non-negative safe integer of milliseconds (or
 * at least `min`); returns it.
 */
export declare function assertDuration(value: unknown, what: string, action: string, min?: number): number;
/**
 * Throws unless `value` is a non-negative safe integer count; returns it.
 */
export declare function assertCount(value: unknown, what: string, action: string, min?: number): number;

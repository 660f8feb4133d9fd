/**
 * JSON rules for job arguments and results: only values that survive a
 * `JSON.stringify`/`JSON.parse` round trip unchanged are accepted.
 *
 * @module
 */
/**
 * Describes why `value` is not plain JSON, with the path of the first bad
 * part (`args[0].user.tags[2]`), or returns `null` when it is plain JSON.
 *
 * Accepted: `null`, booleans, finite numbers, strings, arrays without holes or
 * `undefined`, and plain objects (their `undefined` properties are dropped,
 * as `JSON.stringify` does). Refused: functions, symbols, BigInt, NaN and
 * ±Infinity, `undefined` outside an object property, cycles, and class
 * instances such as `Date`, `Map` or `Set` (convert them first).
 */
export declare function jsonProblem(value: unknown, path: string): string | null;
/**
 * Serialises `value` to JSON, or throws a `TypeError` that starts with
 * `action` and names the path of the first value JSON cannot hold.
 */
export declare function toJson(value: unknown, path: string, action: string): string;

/**
 * The W3C `traceparent` value a traced job carries (trace context level 1):
 * `00-<trace id>-<parent span id>-<flags>`, in lowercase hex. Pure logic.
 *
 * @module
 */

/** A `traceparent` of version 00: its trace id, span id and flags as groups 1–3. */
export const TRACEPARENT: RegExp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Whether `value` is a `traceparent` of version 00.
 *
 * @example
 * ```ts
 * import { isTraceparent } from "./traceparent.ts";
 *
 * console.log(isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")); // true
 * console.log(isTraceparent("nope")); // false
 * ```
 */
export function isTraceparent(value: unknown): value is string {
  return typeof value === "string" && TRACEPARENT.test(value);
}

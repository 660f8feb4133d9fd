/**
 * The one rule for errors at a store's boundary, on the producer's side:
 * what a store call rejects with reaches the caller as it is when it is a
 * `TypeError`/`RangeError` (a bad argument) or an error reply of the store
 * (it refused the write); anything else is taken for a lost connection.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";

/**
 * The error a producer's store call rejects with, for `error` thrown by the
 * store while doing `action` (such as `"enqueue job"`): bad-argument errors
 * and the store's error replies as they are, anything else as a
 * {@linkcode ConnectionError} whose `cause` is `error`.
 *
 * @example
 * ```ts
 * import { wrapStoreError } from "./store_error.ts";
 *
 * const error = wrapStoreError("enqueue job", new Error("socket hang up"));
 * console.log(error.message); // Cannot enqueue job: … (socket hang up)
 * ```
 */
export function wrapStoreError(action: string, error: unknown): Error {
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof Error && error.name === "ReplyError") return error;
  return new ConnectionError(action, error);
}

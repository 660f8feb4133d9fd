/**
 * The one rule for errors at a store's boundary: what a store call rejects
 * with is a {@linkcode RepidError} (a refused write, an unavailable store),
 * or the `TypeError`/`RangeError` of a bad argument. Anything else a store
 * throws is taken for a lost connection.
 *
 * @module
 */

import { ConnectionError, RepidError } from "../errors.ts";

/**
 * The error a store call should reject with, for `error` thrown by the
 * store while doing `action` (such as `"enqueue job"`): Repid's own errors
 * and bad-argument errors as they are, anything else as a
 * {@linkcode ConnectionError} whose `cause` is `error`.
 *
 * @example
 * ```ts
 * import { wrapStoreError } from "./store_error.ts";
 *
 * const error = wrapStoreError("enqueue job", new Error("socket hang up"));
 * console.log(error.message); // Cannot enqueue job: the store did not answer (socket hang up)
 * ```
 */
export function wrapStoreError(action: string, error: unknown): Error {
  if (error instanceof RepidError || error instanceof TypeError || error instanceof RangeError) {
    return error;
  }
  return new ConnectionError(action, error);
}

/**
 * Turning ioredis errors into Repid's store errors, at the Redis store's
 * boundary: nothing outside `src/backend/redis/` knows ioredis's error
 * classes or Redis's error codes.
 *
 * @module
 */

import { type StoreCondition, StoreRefusedError, StoreUnavailableError } from "../../errors.ts";
import { wrapStoreError } from "../store_error.ts";

/** Redis error codes that mean "not now" rather than "never" (the first word of the reply). */
const PASSING: Record<string, StoreCondition> = {
  OOM: "out_of_memory",
  LOADING: "loading",
  BUSY: "busy",
  READONLY: "read_only",
  MASTERDOWN: "unavailable",
  TRYAGAIN: "unavailable",
  CLUSTERDOWN: "unavailable",
  NOREPLICAS: "unavailable",
  MISCONF: "unavailable",
};

/**
 * The Repid error for an error of ioredis while doing `action`: an error
 * reply of a passing condition (out of memory, loading, busy, read-only…) is
 * a {@linkcode StoreUnavailableError}, any other error reply a
 * {@linkcode StoreRefusedError}, and an error without a reply (the
 * connection) a `ConnectionError`. The ioredis error is kept as `cause`.
 *
 * @example
 * ```ts ignore
 * try {
 *   await client.hgetall(key);
 * } catch (error) {
 *   throw redisStoreError("read job", error);
 * }
 * ```
 */
export function redisStoreError(action: string, error: unknown): Error {
  if (!isReplyError(error)) return wrapStoreError(action, error);
  const code = error.message.slice(0, error.message.search(/\s|$/));
  const condition = PASSING[code];
  return condition === undefined
    ? new StoreRefusedError(action, error)
    : new StoreUnavailableError(action, condition, error);
}

/**
 * Runs a command of the client; its errors become Repid's store errors
 * naming `action` (see {@linkcode redisStoreError}).
 *
 * @example
 * ```ts ignore
 * const h = await storeCall(`read job "${id}"`, () => client.hgetall(key));
 * ```
 */
export async function storeCall<T>(action: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw redisStoreError(action, error);
  }
}

/** Whether `error` is an error reply of Redis (ioredis's `ReplyError`). */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

/** Whether a script failed to compile because the server does not know script flags (Redis < 7). */
export function isShebangUnsupported(error: unknown): boolean {
  return isReplyError(error) && /Error compiling script.*near '#'/s.test(error.message);
}

/**
 * Delays between the attempts of a failing job.
 *
 * @module
 */

import { assertDuration } from "./time.ts";

/**
 * How long to wait before a retry. Every duration is any safe integer of
 * milliseconds ≥ 0 (the worker waits with a chain of timers, so delays past
 * the 24.9 days of one timer are kept too).
 *
 * - `{ type: "fixed", delayMs }`: the same delay before every retry.
 * - `{ type: "exponential", baseMs, maxMs, jitter }`: `baseMs · 2^(retry-1)`,
 *   capped at `maxMs`; with `jitter` (the default) a random delay between
 *   half that and all of it, so failing jobs do not retry in lock step.
 */
export type Backoff =
  | { type: "fixed"; delayMs: number }
  | {
    type: "exponential";
    baseMs: number;
    /**
     * The longest delay, in milliseconds.
     * @default {3600000 (one hour)}
     */
    maxMs?: number;
    /**
     * Wait a random delay between half the computed one and all of it.
     * @default {true}
     */
    jitter?: boolean;
  };

/**
 * Checks a backoff option and returns it, or throws a `TypeError`/`RangeError`.
 */
export function validateBackoff(backoff: unknown, action: string): Backoff | undefined {
  if (backoff === undefined) return undefined;
  if (typeof backoff !== "object" || backoff === null) {
    throw new TypeError(`${action}: backoff must be an object with a "type", got ${backoff}`);
  }
  const b = backoff as Record<string, unknown>;
  if (b.type === "fixed") {
    assertDuration(b.delayMs, "backoff.delayMs", action);
  } else if (b.type === "exponential") {
    assertDuration(b.baseMs, "backoff.baseMs", action);
    if (b.maxMs !== undefined) assertDuration(b.maxMs, "backoff.maxMs", action);
  } else {
    throw new TypeError(
      `${action}: backoff.type is ${JSON.stringify(b.type)}, expected "fixed" or "exponential"`,
    );
  }
  return backoff as Backoff;
}

/** The default cap of an exponential backoff: one hour. */
export const DEFAULT_BACKOFF_MAX_MS = 3_600_000;

/**
 * The delay in milliseconds before retry number `retry` (1 for the first
 * retry). `random` returns a number in [0, 1) and is injectable for tests.
 */
export function backoffDelay(
  backoff: Backoff | undefined,
  retry: number,
  random: () => number = Math.random,
): number {
  if (!backoff) return 0;
  if (backoff.type === "fixed") return backoff.delayMs;
  const cap = backoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const raw = Math.min(cap, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  if (backoff.jitter === false) return Math.round(raw);
  return Math.round(raw / 2 + random() * (raw / 2));
}

/**
 * The wait between the retries of a store call that failed (the store cannot
 * be reached): 100 ms, doubling, at most 2 s, without jitter.
 */
export const STORE_RETRY_BACKOFF: Backoff = {
  type: "exponential",
  baseMs: 100,
  maxMs: 2_000,
  jitter: false,
};

/**
 * How long to wait before retrying a store call that has failed `failures`
 * times in a row (1 after the first failure), by {@linkcode STORE_RETRY_BACKOFF}.
 *
 * @example
 * ```ts
 * import { storeRetryDelay } from "./backoff.ts";
 *
 * console.assert(storeRetryDelay(1) === 100 && storeRetryDelay(10) === 2_000);
 * ```
 */
export function storeRetryDelay(failures: number): number {
  return backoffDelay(STORE_RETRY_BACKOFF, failures);
}

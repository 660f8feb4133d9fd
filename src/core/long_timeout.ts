/**
 * Timers for any duration. `setTimeout` keeps a delay in a signed 32-bit
 * integer: from 2³¹ ms (about 24.9 days) on, it fires after ~1 ms instead.
 * A long timeout here is a chain of timers, each within that range.
 *
 * @module
 */

/** The longest delay one `setTimeout` keeps: 2³¹ − 1 ms (about 24.9 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending {@linkcode setLongTimeout}. */
export interface LongTimeout {
  /** Cancels it: `fn` is not called (a no-op once it has run). */
  clear(): void;
}

/**
 * Calls `fn` once after `ms` milliseconds, for any `ms` up to
 * `Number.MAX_SAFE_INTEGER` (a chain of timers of at most
 * {@linkcode MAX_TIMER_MS} each); a delay of 0 or less waits one timer turn.
 *
 * @example
 * ```ts
 * import { setLongTimeout } from "./long_timeout.ts";
 *
 * const t = setLongTimeout(() => console.log("30 days later"), 30 * 86_400_000);
 * t.clear();
 * ```
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  let left = Math.max(0, ms);
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const step = Math.min(left, MAX_TIMER_MS);
    left -= step;
    timer = setTimeout(left > 0 ? arm : fn, step);
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

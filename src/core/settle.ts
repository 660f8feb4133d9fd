/**
 * Waiting on a promise that may never settle. A store client that lost its
 * connection can leave a command's promise pending for a long time, or
 * forever (ioredis does so for a command sent on a connection that is
 * disconnected while it reconnects); the worker must not hang with it. These
 * helpers stop waiting without relying on the promise, and always handle its
 * rejection so that a late failure is never reported as unhandled.
 *
 * @module
 */

import { setLongTimeout } from "./long_timeout.ts";

/** What {@linkcode unlessAborted} and {@linkcode within} resolve with when they stop waiting. */
export const GAVE_UP: unique symbol = Symbol("gave up waiting");

/**
 * Settles like `promise`, or resolves with {@linkcode GAVE_UP} as soon as
 * `signal` aborts, whichever comes first.
 *
 * @example
 * ```ts
 * import { GAVE_UP, unlessAborted } from "./settle.ts";
 *
 * const never = new Promise<number>(() => {});
 * const controller = new AbortController();
 * const waiting = unlessAborted(never, controller.signal);
 * controller.abort();
 * console.log((await waiting) === GAVE_UP); // true
 * ```
 *
 * @param promise What to wait for.
 * @param signal Stops the wait.
 * @returns The value of `promise`, or `GAVE_UP`.
 */
export function unlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T | typeof GAVE_UP> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.resolve(GAVE_UP);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(GAVE_UP);
    signal.addEventListener("abort", stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", stop);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", stop);
        reject(error);
      },
    );
  });
}

/**
 * Settles like `promise`, or resolves with {@linkcode GAVE_UP} once `ms`
 * milliseconds have passed (any duration, past the range of one timer too),
 * whichever comes first. The timer is cleared as soon as `promise` settles,
 * so it never keeps a process alive.
 *
 * @example
 * ```ts
 * import { GAVE_UP, within } from "./settle.ts";
 *
 * console.log(await within(Promise.resolve(1), 100)); // 1
 * console.log((await within(new Promise(() => {}), 10)) === GAVE_UP); // true
 * ```
 *
 * @param promise What to wait for.
 * @param ms How long to wait at most, in milliseconds.
 * @returns The value of `promise`, or `GAVE_UP`.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof GAVE_UP> {
  promise.catch(() => {});
  return new Promise((resolve, reject) => {
    const timer = setLongTimeout(() => resolve(GAVE_UP), ms);
    promise.then(
      (value) => {
        timer.clear();
        resolve(value);
      },
      (error) => {
        timer.clear();
        reject(error);
      },
    );
  });
}

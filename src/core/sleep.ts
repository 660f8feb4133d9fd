/**
 * Waiting that an `AbortSignal` can cut short.
 *
 * @module
 */

import { setLongTimeout } from "./long_timeout.ts";

/**
 * Resolves after `ms` milliseconds (any duration, past the range of one
 * timer too), or as soon as `signal` aborts (never rejects).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timer.clear();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setLongTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A promise with its resolve and reject functions (Node 20 lacks `Promise.withResolvers`). */
export interface Deferred<T> {
  /** The promise. */
  promise: Promise<T>;
  /** Resolves the promise. */
  resolve: (value: T) => void;
  /** Rejects the promise. */
  reject: (reason: unknown) => void;
}

/** Creates a {@linkcode Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

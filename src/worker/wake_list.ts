/**
 * Callers waiting for the same event, woken together: fetch loops waiting
 * for a free slot, the lanes of a queue waiting for the lane that waits on
 * the store, or the fetch loops waiting for the writes being retried to land.
 *
 * @module
 */

/**
 * A list of waits that {@linkcode WakeList.wakeAll} ends at once (or
 * {@linkcode WakeList.wakeOne} one at a time); each wait also ends when its
 * signal aborts.
 *
 * @example
 * ```ts
 * import { WakeList } from "./wake_list.ts";
 *
 * const list = new WakeList();
 * const waiting = list.wait(new AbortController().signal);
 * list.wakeAll();
 * await waiting;
 * ```
 */
export class WakeList {
  #waiting: (() => void)[] = [];

  /** Resolves at the next `wakeAll()`, or when `signal` aborts (at once if it has). */
  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiting.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Ends the oldest wait (one waiter takes the event: a queue that may have
   * one job wakes one fetch loop, not all). Returns whether one was waiting.
   */
  wakeOne(): boolean {
    const wake = this.#waiting.shift();
    wake?.();
    return wake !== undefined;
  }

  /** Ends every wait made so far. */
  wakeAll(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }
}

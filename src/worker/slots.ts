/**
 * A counter of free job slots that the fetch loops wait on.
 *
 * @module
 */

import { WakeList } from "./wake_list.ts";

/** Free slots out of a fixed capacity. */
export class Slots {
  #free: number;
  readonly #waiters = new WakeList();

  /** @param capacity How many jobs may run at once. */
  constructor(readonly capacity: number) {
    this.#free = capacity;
  }

  /** How many slots are free now. */
  get free(): number {
    return this.#free;
  }

  /** Takes `n` slots (the caller checked that they are free). */
  take(n = 1): void {
    this.#free -= n;
  }

  /** Gives `n` slots back and wakes the waiters. */
  release(n = 1): void {
    if (n <= 0) return;
    this.#free += n;
    this.#waiters.wakeAll();
  }

  /** Resolves when at least one slot is free, or when `signal` aborts. */
  waitFree(signal: AbortSignal): Promise<void> {
    return this.#free > 0 ? Promise.resolve() : this.#waiters.wait(signal);
  }
}

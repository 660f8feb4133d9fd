/**
 * Collects calls made in the same tick into one batch, so that jobs that
 * finish together are acked in one round trip.
 *
 * @module
 */

import { type Deferred, deferred } from "../core/sleep.ts";

/** Batches items and hands each caller its own answer. */
export class Batcher<I, O> {
  #items: I[] = [];
  #waiters: Deferred<O>[] = [];
  #scheduled = false;

  /** @param flush Runs one batch; returns one answer per item, in order. */
  constructor(readonly flush: (items: I[]) => Promise<O[]>) {}

  /** Adds an item to the next batch; resolves with its answer. */
  add(item: I): Promise<O> {
    const d = deferred<O>();
    this.#items.push(item);
    this.#waiters.push(d);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.#run(), 0);
    }
    return d.promise;
  }

  async #run(): Promise<void> {
    const items = this.#items;
    const waiters = this.#waiters;
    this.#items = [];
    this.#waiters = [];
    this.#scheduled = false;
    try {
      const out = await this.flush(items);
      waiters.forEach((w, i) => w.resolve(out[i]));
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  }
}

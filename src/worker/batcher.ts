/**
 * Collects calls made in the same turn of the event loop into one batch, so
 * that jobs that finish together are acked in one round trip.
 *
 * The batch is flushed with `setImmediate` (after the I/O callbacks of the
 * current turn), not `setTimeout(0)`: a zero timeout is clamped to 1 ms or
 * more, which added that much to every job's latency.
 *
 * @module
 */

import { setImmediate } from "node:timers";
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
      setImmediate(() => void this.#run());
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

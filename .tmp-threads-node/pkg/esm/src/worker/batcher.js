/**
 * Collects calls made in the same tick into one batch, so that jobs that
 * finish together are acked in one round trip.
 *
 * @module
 */
import { deferred } from "../core/sleep.js";
/** Batches items and hands each caller its own answer. */
export class Batcher {
    flush;
    #items = [];
    #waiters = [];
    #scheduled = false;
    /** @param flush Runs one batch; returns one answer per item, in order. */
    constructor(flush) {
        this.flush = flush;
    }
    /** Adds an item to the next batch; resolves with its answer. */
    add(item) {
        const d = deferred();
        this.#items.push(item);
        this.#waiters.push(d);
        if (!this.#scheduled) {
            this.#scheduled = true;
            setTimeout(() => this.#run(), 0);
        }
        return d.promise;
    }
    async #run() {
        const items = this.#items;
        const waiters = this.#waiters;
        this.#items = [];
        this.#waiters = [];
        this.#scheduled = false;
        try {
            const out = await this.flush(items);
            waiters.forEach((w, i) => w.resolve(out[i]));
        }
        catch (error) {
            for (const w of waiters)
                w.reject(error);
        }
    }
}

/**
 * A counter of free job slots that the fetch loops wait on.
 *
 * @module
 */
/** Free slots out of a fixed capacity. */
export class Slots {
    capacity;
    #free;
    #waiters = [];
    /** @param capacity How many jobs may run at once. */
    constructor(capacity) {
        this.capacity = capacity;
        this.#free = capacity;
    }
    /** How many slots are free now. */
    get free() {
        return this.#free;
    }
    /** Takes one slot (the caller checked that one is free). */
    take() {
        this.#free--;
    }
    /** Gives a slot back and wakes the waiters. */
    release() {
        this.#free++;
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters)
            w();
    }
    /** Resolves when at least one slot is free, or when `signal` aborts. */
    waitFree(signal) {
        if (this.#free > 0 || signal.aborted)
            return Promise.resolve();
        return new Promise((resolve) => {
            const done = () => {
                signal.removeEventListener("abort", done);
                resolve();
            };
            this.#waiters.push(done);
            signal.addEventListener("abort", done, { once: true });
        });
    }
}

/**
 * A double-ended queue on a ring buffer: the in-memory counterpart of a
 * Redis LIST used as a queue (`RPUSH`, `LPUSH`, `LPOP`).
 *
 * @module
 */
/** A FIFO list that can also take items at its head, all in O(1). */
export class Deque {
    #buf = new Array(16);
    #head = 0;
    #length = 0;
    /** How many items it holds. */
    get length() {
        return this.#length;
    }
    /** Adds `item` at the tail (`RPUSH`). */
    pushBack(item) {
        if (this.#length === this.#buf.length)
            this.#grow();
        this.#buf[(this.#head + this.#length) % this.#buf.length] = item;
        this.#length++;
    }
    /** Adds `item` at the head (`LPUSH`). */
    pushFront(item) {
        if (this.#length === this.#buf.length)
            this.#grow();
        this.#head = (this.#head - 1 + this.#buf.length) % this.#buf.length;
        this.#buf[this.#head] = item;
        this.#length++;
    }
    /** Removes and returns the head (`LPOP`), or `undefined` when empty. */
    popFront() {
        if (this.#length === 0)
            return undefined;
        const item = this.#buf[this.#head];
        this.#buf[this.#head] = undefined;
        this.#head = (this.#head + 1) % this.#buf.length;
        this.#length--;
        return item;
    }
    /** Removes every occurrence of `item` (`LREM key 0 item`); returns how many. */
    remove(item) {
        const kept = [];
        for (const x of this)
            if (x !== item)
                kept.push(x);
        const removed = this.#length - kept.length;
        if (removed > 0) {
            this.clear();
            for (const x of kept)
                this.pushBack(x);
        }
        return removed;
    }
    /** Removes every item. */
    clear() {
        this.#buf = new Array(16);
        this.#head = 0;
        this.#length = 0;
    }
    /** The items from head to tail. */
    *[Symbol.iterator]() {
        for (let i = 0; i < this.#length; i++) {
            yield this.#buf[(this.#head + i) % this.#buf.length];
        }
    }
    #grow() {
        const next = new Array(this.#buf.length * 2);
        for (let i = 0; i < this.#length; i++)
            next[i] = this.#buf[(this.#head + i) % this.#buf.length];
        this.#buf = next;
        this.#head = 0;
    }
}

/**
 * A double-ended queue on a ring buffer: the in-memory counterpart of a
 * Redis LIST used as a queue (`RPUSH`, `LPUSH`, `LPOP`).
 *
 * @module
 */

/** A FIFO list that can also take items at its head, all in O(1). */
export class Deque<T> {
  #buf: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  /** How many items it holds. */
  get length(): number {
    return this.#length;
  }

  /** Adds `item` at the tail (`RPUSH`). */
  pushBack(item: T): void {
    if (this.#length === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#length) % this.#buf.length] = item;
    this.#length++;
  }

  /** Adds `item` at the head (`LPUSH`). */
  pushFront(item: T): void {
    if (this.#length === this.#buf.length) this.#grow();
    this.#head = (this.#head - 1 + this.#buf.length) % this.#buf.length;
    this.#buf[this.#head] = item;
    this.#length++;
  }

  /** Removes and returns the head (`LPOP`), or `undefined` when empty. */
  /** The item at the front, left in place (`undefined` when empty). */
  peekFront(): T | undefined {
    return this.#length === 0 ? undefined : this.#buf[this.#head];
  }

  popFront(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#buf[this.#head];
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#buf.length;
    this.#length--;
    return item;
  }

  /** Removes every occurrence of `item` (`LREM key 0 item`); returns how many. */
  remove(item: T): number {
    const kept: T[] = [];
    for (const x of this) if (x !== item) kept.push(x);
    const removed = this.#length - kept.length;
    if (removed > 0) {
      this.clear();
      for (const x of kept) this.pushBack(x);
    }
    return removed;
  }

  /** The item at `index` from the head (`LINDEX`), or `undefined`. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#buf[(this.#head + index) % this.#buf.length];
  }

  /** The index of the occurrence of `item` nearest the tail (`LPOS … RANK -1`), or -1. */
  lastIndexOf(item: T): number {
    for (let i = this.#length - 1; i >= 0; i--) if (this.at(i) === item) return i;
    return -1;
  }

  /** Removes every item. */
  clear(): void {
    this.#buf = new Array(16);
    this.#head = 0;
    this.#length = 0;
  }

  /** The items from head to tail. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) {
      yield this.#buf[(this.#head + i) % this.#buf.length] as T;
    }
  }

  #grow(): void {
    const next: (T | undefined)[] = new Array(this.#buf.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = this.#buf[(this.#head + i) % this.#buf.length];
    this.#buf = next;
    this.#head = 0;
  }
}

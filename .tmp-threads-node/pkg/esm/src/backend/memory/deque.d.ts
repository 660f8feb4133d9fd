/**
 * A double-ended queue on a ring buffer: the in-memory counterpart of a
 * Redis LIST used as a queue (`RPUSH`, `LPUSH`, `LPOP`).
 *
 * @module
 */
/** A FIFO list that can also take items at its head, all in O(1). */
export declare class Deque<T> {
    #private;
    /** How many items it holds. */
    get length(): number;
    /** Adds `item` at the tail (`RPUSH`). */
    pushBack(item: T): void;
    /** Adds `item` at the head (`LPUSH`). */
    pushFront(item: T): void;
    /** Removes and returns the head (`LPOP`), or `undefined` when empty. */
    popFront(): T | undefined;
    /** Removes every occurrence of `item` (`LREM key 0 item`); returns how many. */
    remove(item: T): number;
    /** Removes every item. */
    clear(): void;
    /** The items from head to tail. */
    [Symbol.iterator](): IterableIterator<T>;
}

/**
 * A sorted set of strings scored by numbers: the in-memory counterpart of a
 * Redis ZSET. Members are ordered by score, then by member (as Redis does
 * for equal scores), so the same operations return the same order.
 *
 * @module
 */
interface Entry {
    member: string;
    score: number;
}
/**
 * Members with scores, kept in order. Removal at the low end (the usual case:
 * due jobs, expired leases) is O(1) amortised; elsewhere it is O(n).
 */
export declare class SortedSet {
    #private;
    /** How many members it holds (`ZCARD`). */
    get size(): number;
    /** The score of `member`, or `undefined` (`ZSCORE`). */
    score(member: string): number | undefined;
    /** Adds `member`, or moves it to its new `score` (`ZADD`). */
    add(member: string, score: number): void;
    /** Removes `member`; `true` when it was there (`ZREM`). */
    remove(member: string): boolean;
    /** The lowest member and its score, or `undefined` when empty. */
    first(): Entry | undefined;
    /** Up to `limit` members scored at most `max`, lowest first (`ZRANGEBYSCORE -inf max LIMIT`). */
    rangeTo(max: number, limit?: number): string[];
    /** How many members are scored at most `max` (`ZCOUNT -inf max`). */
    countTo(max: number): number;
    /** Removes every member scored at most `max` (`ZREMRANGEBYSCORE -inf max`). */
    removeTo(max: number): number;
    /** The members, lowest first. */
    [Symbol.iterator](): IterableIterator<string>;
}
export {};

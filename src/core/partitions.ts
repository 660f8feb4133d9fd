/**
 * Partitioned queues: one logical queue over N physical queues, each in a
 * slot of its own, so that one busy queue can use every master of a Redis
 * Cluster. Partition 0 is the queue itself (`emails`); partition i ≥ 1 is
 * `emails#i` (or `emails#i~k`, see {@linkcode partitionQueues}). `#` and `~`
 * cannot appear in a queue name, so no user queue takes a partition's name.
 *
 * @module
 */

import { keySlot } from "../backend/redis/key_slot.ts";

/** The most partitions a queue may have. */
export const MAX_PARTITIONS = 256;

/** Redis Cluster's slot count. */
const SLOTS = 16384;

/** What separates a queue's name from its partition's number in a physical queue name. */
const MARK = "#";

/**
 * Throws a `RangeError` unless `n` is a valid partition count: an integer
 * from 1 to {@linkcode MAX_PARTITIONS}.
 *
 * @example
 * ```ts
 * import { assertPartitions } from "./partitions.ts";
 *
 * assertPartitions(6, "Cannot register actor");
 * ```
 */
export function assertPartitions(n: unknown, action: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS) {
    throw new RangeError(
      `${action}: partitions must be an integer from 1 to ${MAX_PARTITIONS}, got ${
        typeof n === "number" ? n : typeof n
      }`,
    );
  }
  return n;
}

const cache = new Map<string, string[]>();

/**
 * The first slot of range `i` of `n` equal ranges of slots (rounded as
 * `redis-cli --cluster create` rounds the ranges it gives its masters).
 */
function rangeStart(i: number, n: number): number {
  return Math.round((i * SLOTS) / n);
}

/** The range (of `n` equal ranges of slots) that `slot` is in. */
function rangeOf(slot: number, n: number): number {
  let i = Math.min(n - 1, Math.floor((slot * n) / SLOTS));
  while (i > 0 && slot < rangeStart(i, n)) i--;
  while (i < n - 1 && slot >= rangeStart(i + 1, n)) i++;
  return i;
}

/**
 * The physical queues of `queue` with `n` partitions, partition 0 first.
 * The slots are cut into n equal ranges; partition 0 (the queue itself) is
 * in range r, and partition i in range r + i (mod n): its name is `queue#i`,
 * or `queue#i~k` for the first k that lands there. A cluster whose masters
 * serve equal ranges of slots (what `redis-cli --cluster create` makes) then
 * gets the same number of partitions on every master when n is a multiple
 * of the masters, and partitions on different masters otherwise, up to n.
 *
 * @example
 * ```ts
 * import { partitionQueues } from "./partitions.ts";
 *
 * const [first, second] = partitionQueues("emails", 3);
 * console.assert(first === "emails" && second.startsWith("emails#1"));
 * ```
 */
export function partitionQueues(queue: string, n: number): readonly string[] {
  if (n === 1) return [queue];
  const id = `${n}:${queue}`;
  const known = cache.get(id);
  if (known) return known;
  const first = rangeOf(keySlot(queue), n);
  const out = [queue];
  for (let i = 1; i < n; i++) {
    const range = (first + i) % n;
    for (let k = 0;; k++) {
      const name = k === 0 ? `${queue}${MARK}${i}` : `${queue}${MARK}${i}~${k}`;
      if (rangeOf(keySlot(name), n) === range) {
        out.push(name);
        break;
      }
    }
  }
  cache.set(id, out);
  return out;
}

/**
 * The logical queue of a physical queue name (the name itself when it is
 * not a partition).
 *
 * @example
 * ```ts
 * import { logicalQueue } from "./partitions.ts";
 *
 * console.assert(logicalQueue("emails#2") === "emails" && logicalQueue("emails") === "emails");
 * ```
 */
export function logicalQueue(physical: string): string {
  const at = physical.indexOf(MARK);
  return at < 0 ? physical : physical.slice(0, at);
}

/**
 * The partition number of a physical queue name (0 when it is not a
 * partition's).
 *
 * @example
 * ```ts
 * import { partitionIndex } from "./partitions.ts";
 *
 * console.assert(partitionIndex("emails#2~5") === 2 && partitionIndex("emails") === 0);
 * ```
 */
export function partitionIndex(physical: string): number {
  const at = physical.indexOf(MARK);
  return at < 0 ? 0 : parseInt(physical.slice(at + 1), 10);
}

/**
 * The partition (0 … n-1) of a key: FNV-1a of its UTF-16 code units,
 * modulo n. Every producer maps one key to one partition, so the jobs of
 * one key keep their order, and a custom job id always lands where its
 * earlier job is (its deduplication holds).
 *
 * @example
 * ```ts
 * import { partitionOfKey } from "./partitions.ts";
 *
 * console.assert(partitionOfKey("customer-42", 4) === partitionOfKey("customer-42", 4));
 * ```
 */
export function partitionOfKey(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}

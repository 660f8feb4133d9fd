/**
 * Declaring a queue's partition count against the store, for workers (at
 * start, from their actors) and producers (from an actor definition): the
 * first declaration of a partitioned queue records its count, and every
 * later one must agree.
 *
 * @module
 */

import type { Backend } from "./backend.ts";
import { PartitionsMismatchError } from "../errors.ts";

/**
 * Declares that `queue` has `n` partitions: records `n` unless the store has
 * a count (one partition records nothing: it is what a queue without a
 * record has), then compares. Rejects with a {@linkcode PartitionsMismatchError}
 * when the recorded count differs, and with a `TypeError` when `n` is above
 * 1 and the store has no partitioned queues; errors name `action` (such
 * as `"start worker"`).
 *
 * @example
 * ```ts
 * import { MemoryBackend } from "./memory/memory_backend.ts";
 * import { declarePartitionCount } from "./partition_count.ts";
 *
 * const backend = new MemoryBackend();
 * await declarePartitionCount(backend, "emails", 4, "start worker");
 * await backend.close();
 * ```
 */
export async function declarePartitionCount(
  backend: Backend,
  queue: string,
  n: number,
  action: string,
): Promise<void> {
  if (n > 1 && !backend.declarePartitions) {
    throw new TypeError(
      `Cannot ${action}: queue "${queue}" declares partitions: ${n}, but the store has no partitioned queues`,
    );
  }
  const recorded = n > 1
    ? await backend.declarePartitions!(queue, n, action)
    : await (backend.readPartitions?.(queue, action) ?? 1);
  if (recorded !== n) throw new PartitionsMismatchError(queue, recorded, n, `Cannot ${action}`);
}

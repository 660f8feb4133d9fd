/**
 * The group concurrency a worker sends with its fetches of each queue.
 *
 * @module
 */

import type { ActorDefinition } from "./actor.ts";
import { partitionQueues } from "../core/partitions.ts";

/**
 * Per queue (each partition of a partitioned one), the largest
 * `groupConcurrency` of `actors` on it (queues whose actors set none are
 * absent).
 *
 * @example
 * ```ts
 * import { defineActor } from "../../mod.ts";
 * import { groupConcurrencyByQueue } from "./group_concurrency.ts";
 *
 * const sync = defineActor(async function sync() {}, { queue: "sync", groupConcurrency: 2 });
 * console.log(groupConcurrencyByQueue([sync])); // Map(1) { "sync" => 2 }
 * ```
 */
export function groupConcurrencyByQueue(actors: Iterable<ActorDefinition>): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of actors) {
    const n = a.options.groupConcurrency;
    if (n === undefined) continue;
    for (const q of partitionQueues(a.queue, a.options.partitions ?? 1)) {
      if (n > (out.get(q) ?? 0)) out.set(q, n);
    }
  }
  return out;
}

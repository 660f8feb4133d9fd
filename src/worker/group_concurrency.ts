/**
 * The group concurrency a worker sends with its fetches of each queue.
 *
 * @module
 */

import type { ActorDefinition } from "./actor.ts";

/**
 * Per queue, the largest `groupConcurrency` of `actors` on it (queues whose
 * actors set none are absent).
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
    if (n !== undefined && n > (out.get(a.queue) ?? 0)) out.set(a.queue, n);
  }
  return out;
}

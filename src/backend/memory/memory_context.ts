/**
 * What the in-memory store's operations work on.
 *
 * @module
 */

import type { MemoryStore } from "./memory_store.ts";
import type { QueueState } from "./queue_state.ts";
import type { Retention } from "../../core/queue_state.ts";

/** What an operation works on: the store and the queues of one backend's prefix. */
export interface MemoryContext {
  /** The store. */
  readonly store: MemoryStore;
  /** The backend's key prefix. */
  readonly prefix: string;
  /** The state of `queue` under the prefix. */
  q(queue: string): QueueState;
  /** How many finished jobs of each state a queue keeps at most (0: no limit). */
  readonly keep: Readonly<Required<Retention>>;
}

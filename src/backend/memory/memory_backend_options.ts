/**
 * The options of a `MemoryBackend`.
 *
 * @module
 */

import type { Retention } from "../../core/queue_state.ts";

/** Options of a `MemoryBackend`. */
export interface MemoryBackendOptions {
  /**
   * The name of a store shared by every `MemoryBackend` of this process that
   * gives the same name (the URL `memory://name` opens it too; `memory://`
   * opens the one named `""`). Without a name, the backend has a private
   * store of its own.
   * @default {undefined (a private store)}
   */
  store?: string;
  /**
   * Separates the data of backends on one store, like the Redis key prefix.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * The store's clock, in UTC epoch milliseconds. Taken when the store is
   * created; a backend joining an existing named store uses that store's.
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * How often expired results are removed besides on access, in
   * milliseconds, from 10 to 3600000 (one hour); the timer never keeps the
   * process alive.
   * @default {60000}
   */
  sweepMs?: number;
  /**
   * How many finished jobs of each state a queue keeps at most, besides the
   * result TTL (see `Retention`); applied by the calls that finish jobs.
   * @default {{} (no limit: the result TTL alone)}
   */
  retention?: Retention;
}

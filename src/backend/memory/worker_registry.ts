/**
 * The workers' registry of the in-memory store: per prefix, the same records
 * as on Redis (announcement, first and last heartbeat), expiring by the
 * store's clock when no heartbeat renews them.
 *
 * @module
 */

import type { WorkerAnnouncement, WorkerInfo } from "../../core/worker_info.ts";

interface Entry {
  info: WorkerInfo;
  expiresAt: number;
}

/**
 * The registrations of one store, by prefix and worker id.
 *
 * @example
 * ```ts ignore
 * const registry = new MemoryWorkerRegistry();
 * registry.heartbeat("repid", announcement, 15_000, Date.now());
 * registry.list("repid", Date.now()); // [the worker]
 * ```
 */
export class MemoryWorkerRegistry {
  readonly #byPrefix = new Map<string, Map<string, Entry>>();

  #workers(prefix: string): Map<string, Entry> {
    let m = this.#byPrefix.get(prefix);
    if (!m) this.#byPrefix.set(prefix, m = new Map());
    return m;
  }

  /** Registers or renews `worker` at `now` for `ttlMs`. */
  heartbeat(prefix: string, worker: WorkerAnnouncement, ttlMs: number, now: number): void {
    const workers = this.#workers(prefix);
    const known = workers.get(worker.id);
    const startedAt = known && known.expiresAt > now ? known.info.startedAt : now;
    workers.set(worker.id, {
      info: { ...structuredClone(worker), startedAt, lastSeenAt: now },
      expiresAt: now + ttlMs,
    });
  }

  /** Removes a registration. */
  unregister(prefix: string, id: string): void {
    this.#workers(prefix).delete(id);
  }

  /** The registrations not expired at `now` (expired ones are dropped). */
  list(prefix: string, now: number): WorkerInfo[] {
    const workers = this.#workers(prefix);
    const out: WorkerInfo[] = [];
    for (const [id, e] of workers) {
      if (e.expiresAt <= now) workers.delete(id);
      else out.push(structuredClone(e.info));
    }
    return out;
  }
}

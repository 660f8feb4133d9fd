/**
 * The test helpers of the in-memory store (`MemoryBackend.counts()`,
 * `queues()`, `clear()`): reads and resets across the queues of a prefix,
 * which no store operation needs.
 *
 * @module
 */

import type { MemoryContext } from "./memory_context.ts";
import { FINISHED_STATES, type QueueCounts } from "../../core/queue_state.ts";

/** How many jobs of a queue are in each state. */
export interface MemoryQueueCounts {
  /** Waiting in the queue. */
  queued: number;
  /** Deferred (including those already due). */
  deferred: number;
  /** Deferred and already due: the next fetch takes them. */
  due: number;
  /** Leased to a worker. */
  inProgress: number;
  /** When the earliest deferred job is due (epoch ms), or `null` when none is deferred. */
  nextDueAt: number | null;
}

/**
 * How many jobs of `queue` (of every queue of this backend's prefix when
 * omitted) are queued, deferred, due and in progress now, and when the
 * next deferred one is due.
 *
 * @example
 * ```ts
 * import { MemoryBackend } from "@repid/repid";
 *
 * const backend = new MemoryBackend();
 * console.log(backend.counts()); // { queued: 0, deferred: 0, due: 0, inProgress: 0, nextDueAt: null }
 * ```
 */
export function counts(ctx: MemoryContext, queue?: string): MemoryQueueCounts {
  const now = ctx.store.now();
  const total: MemoryQueueCounts = {
    queued: 0,
    deferred: 0,
    due: 0,
    inProgress: 0,
    nextDueAt: null,
  };
  for (const q of ctx.store.queues.values()) {
    if (q.prefix !== ctx.prefix || (queue !== undefined && q.queue !== queue)) continue;
    total.queued += q.ready.length + q.flow.prio.size + q.flow.settings.groupWaiting;
    total.deferred += q.deferred.size;
    total.due += q.deferred.countTo(now);
    total.inProgress += q.active.size;
    const next = q.deferred.first()?.score;
    if (next !== undefined && (total.nextDueAt === null || next < total.nextDueAt)) {
      total.nextDueAt = next;
    }
  }
  return total;
}

/**
 * How many jobs of `queue` are in each state (`Backend.queueCounts`): the
 * sizes of its structures; a finished job whose record expired is not
 * counted.
 */
export function queueCounts(ctx: MemoryContext, queue: string): QueueCounts {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const out = {
    queued: q.ready.length + q.flow.prio.size + q.flow.settings.groupWaiting,
    deferred: q.deferred.size,
    active: q.active.size,
  } as QueueCounts;
  for (const s of FINISHED_STATES) {
    const index = q.indexes[s];
    out[s] = index.size - index.countTo(now - 1);
  }
  return out;
}

/**
 * The queues of this backend's prefix that hold any job.
 *
 * @example
 * ```ts
 * import { MemoryBackend } from "@repid/repid";
 *
 * console.log(new MemoryBackend().queues()); // []
 * ```
 */
export function queues(ctx: MemoryContext): string[] {
  const out: string[] = [];
  for (const q of ctx.store.queues.values()) {
    if (q.prefix === ctx.prefix && (q.jobs.size > 0 || q.ready.length > 0)) out.push(q.queue);
  }
  return out;
}

/**
 * Deletes every job of this backend's prefix from the store, whatever its
 * state (like deleting a Redis key prefix). Leases held by workers are
 * then lost.
 *
 * @example
 * ```ts
 * import { MemoryBackend } from "@repid/repid";
 *
 * const backend = new MemoryBackend({ store: "scratch" });
 * backend.clear();
 * await backend.close();
 * ```
 */
export function clear(ctx: MemoryContext): void {
  for (const [key, q] of ctx.store.queues) {
    if (q.prefix !== ctx.prefix) continue;
    q.jobs.clear();
    q.ready.clear();
    for (const id of [...q.deferred]) q.deferred.remove(id);
    for (const id of [...q.active]) q.active.remove(id);
    for (const index of Object.values(q.indexes)) index.removeTo(Infinity);
    q.marker = false;
    q.paused = false;
    if (
      q.waiters.length === 0 && q.finished.size === 0 && q.cancels.size === 0 &&
      q.progress.size === 0
    ) {
      ctx.store.queues.delete(key);
    }
  }
  ctx.store.changed();
}

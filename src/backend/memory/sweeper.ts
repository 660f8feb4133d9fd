/**
 * The sweeper of the in-memory store: removes expired records and unused
 * queue states, on access and on an unref'd timer while some record can
 * expire (Redis expires keys by itself).
 *
 * @module
 */

import { clearInterval, setInterval } from "node:timers";
import { flowIdle, type QueueState } from "./queue_state.ts";
import { THROUGHPUT_KEEP_MS, THROUGHPUT_MINUTE_MS } from "../../core/store_limits.ts";

/**
 * Removes the expired records of `queues` and the queue states that hold
 * nothing; returns whether some record can still expire.
 */
export function sweepQueues(queues: Map<string, QueueState>, now: number): boolean {
  let expiring = false;
  for (const [key, q] of queues) {
    for (const [id, rec] of q.jobs) {
      if (rec.expiresAt === undefined) continue;
      if (rec.expiresAt < now) q.jobs.delete(id);
      else expiring = true;
    }
    let indexed = 0;
    for (const index of Object.values(q.indexes)) {
      index.removeTo(now - 1);
      indexed += index.size;
    }
    // a minute's throughput count expires THROUGHPUT_KEEP_MS after it began
    for (const minute of q.throughput.keys()) {
      if ((minute * THROUGHPUT_MINUTE_MS) + THROUGHPUT_KEEP_MS < now) q.throughput.delete(minute);
      else expiring = true;
    }
    if (
      q.jobs.size === 0 && q.ready.length === 0 && q.deferred.size === 0 &&
      q.active.size === 0 && indexed === 0 && q.waiters.length === 0 &&
      q.finished.size === 0 && q.scheduleRecords.size === 0 && q.schedules.size === 0 &&
      !q.paused && q.cancels.size === 0 && q.progress.size === 0 && q.throughput.size === 0 &&
      flowIdle(q.flow)
    ) queues.delete(key);
  }
  return expiring;
}

/** Runs a sweep every `everyMs` while some record can expire; the timer never keeps the process alive. */
export class SweepTimer {
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param everyMs How often to sweep.
   * @param sweep One sweep.
   */
  constructor(readonly everyMs: number, readonly sweep: () => void) {}

  /** Starts the timer (unref'd) once some record can expire. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(this.sweep, this.everyMs);
    this.#timer.unref?.();
  }

  /** Stops the timer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

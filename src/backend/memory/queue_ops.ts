/**
 * The queue operations of the in-memory store that operators use: pause and
 * resume, the counterparts of the `queue_pause` and `queue_resume` scripts.
 * Each runs to the end without yielding, so it is atomic like a script.
 *
 * @module
 */

import type { MemoryContext } from "./memory_context.ts";
import { signalWork } from "./records.ts";

/** `queue_pause`: no fetch leases a job of `queue` until it is resumed; `true` when paused now. */
export function pauseQueue(ctx: MemoryContext, queue: string): Promise<boolean> {
  const q = ctx.q(queue);
  const was = q.paused;
  q.paused = true;
  ctx.store.changed();
  return Promise.resolve(!was);
}

/** `queue_resume`: resumes `queue` and wakes a waiting worker; `true` when it was paused. */
export function resumeQueue(ctx: MemoryContext, queue: string): Promise<boolean> {
  const q = ctx.q(queue);
  if (!q.paused) return Promise.resolve(false);
  q.paused = false;
  signalWork(q);
  ctx.store.changed();
  return Promise.resolve(true);
}

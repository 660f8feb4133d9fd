/**
 * The operators' operations of the in-memory store: pause and resume a
 * queue, cancel a job; the counterparts of the `queue_pause`, `queue_resume`
 * and `cancel` scripts. Each runs to the end without yielding, so it is
 * atomic like a script.
 *
 * @module
 */

import { flowFree, flowUnqueue } from "./flow_ops.ts";
import { setImmediate } from "node:timers";
import type { CancelOutcome } from "../backend.ts";
import { type JobStatus, storedOptions } from "../../core/job.ts";
import { cancelledError } from "../../core/store_errors.ts";
import { DEAD_TTL_MS } from "../../core/store_limits.ts";
import type { MemoryContext } from "./memory_context.ts";
import type { QueueState } from "./queue_state.ts";
import { announceFinished, finishRecord, getRecord, signalWork } from "./records.ts";

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

/** `cancel`: cancels job `id` of `queue` unless it has finished (see `Backend.cancelJob`). */
export function cancelJob(ctx: MemoryContext, queue: string, id: string): Promise<CancelOutcome> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const rec = getRecord(q, id, now);
  const h = rec?.h;
  const before = (h?.status ?? null) as JobStatus | null;
  const options = storedOptions(h?.opts);
  if (before === "queued") flowUnqueue(q, h!, id);
  else if (before === "deferred") q.deferred.remove(id);
  else if (before === "in_progress") {
    q.active.remove(id);
    flowFree(q, h!.group);
  } else return Promise.resolve({ cancelled: false, before, options });
  q.flow.expiring.remove(id);
  h!.status = "cancelled";
  h!.error = JSON.stringify(cancelledError(id));
  h!.finished = String(now);
  finishRecord(ctx.store, q, rec!, id, "cancelled", now, DEAD_TTL_MS, ctx.keep.cancelled);
  announceFinished(q, id);
  if (before === "in_progress" && h!.token !== undefined) announceCancel(q, id, h!.token);
  ctx.store.changed();
  return Promise.resolve({ cancelled: true, before, options });
}

/** Tells the `onCancel` listeners of `q` that the running job `id` (lease `token`) was cancelled. */
function announceCancel(q: QueueState, id: string, token: string): void {
  if (q.cancels.size === 0) return;
  const listeners = [...q.cancels];
  // on a later turn, as a server's message on another connection would arrive
  setImmediate(() => {
    for (const f of listeners) if (q.cancels.has(f)) f(id, token);
  });
}

/**
 * The operating actions of the in-memory store (`q.requeue()`, `q.purge()`,
 * `job.requeue()`, `job.promote()`, `job.remove()`): the same steps as the
 * Redis scripts `requeue_finished`, `purge`, `promote` and `remove`.
 *
 * @module
 */

import { type FinishedStatus, isFinished, type JobStatus } from "../../core/job.ts";
import type { QueueState as State } from "../../core/queue_state.ts";
import type { BatchOutcome, JobActionOutcome } from "../backend.ts";
import type { MemoryContext } from "./memory_context.ts";
import type { JobRecord, QueueState } from "./queue_state.ts";
import { getRecord, signalWork, unfinishRecord } from "./records.ts";
import { flowQueue, flowUnqueue, purgeFlow } from "./flow_ops.ts";

/** `requeue` of the script: the finished job back at the tail, with a fresh attempt budget. */
function requeueRecord(
  q: QueueState,
  rec: JobRecord,
  id: string,
  status: FinishedStatus,
  now: number,
): void {
  unfinishRecord(q, id, status);
  const h = rec.h;
  for (const f of ["value", "error", "reason", "finished", "token"] as const) delete h[f];
  Object.assign(h, { status: "queued", attempts: "0", deliveries: "0", stalls: "0", due: "0" });
  delete rec.expiresAt;
  delete h.expires;
  flowQueue(q, h, id, false, now);
}

export function requeueFinished(
  ctx: MemoryContext,
  queue: string,
  status: FinishedStatus,
  max: number,
): BatchOutcome {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const ids = q.indexes[status].rangeTo(Infinity, max);
  let moved = 0;
  for (const id of ids) {
    const rec = getRecord(q, id, now);
    if (rec?.h.status === status) {
      requeueRecord(q, rec, id, status, now);
      moved++;
    } else unfinishRecord(q, id, status);
  }
  if (moved > 0) signalWork(q);
  ctx.store.changed();
  return { moved, passed: ids.length };
}

export function requeueJob(ctx: MemoryContext, queue: string, id: string): JobActionOutcome {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const rec = getRecord(q, id, now);
  const status = (rec?.h.status ?? null) as JobStatus | null;
  if (!rec || !status || !isFinished(status)) return { done: false, status };
  requeueRecord(q, rec, id, status, now);
  signalWork(q);
  ctx.store.changed();
  return { done: true, status };
}

export function purgeJobs(
  ctx: MemoryContext,
  queue: string,
  state: State,
  max: number,
): BatchOutcome {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const ids: string[] = [];
  if (state === "queued") {
    for (let id = q.ready.popFront(); id !== undefined; id = q.ready.popFront()) {
      ids.push(id);
      if (ids.length >= max) break;
    }
    // then the prioritised jobs, then those of each group with waiting jobs (as the script)
    purgeFlow(q, ids, max);
  } else if (state === "deferred") {
    for (const id of q.deferred.rangeTo(Infinity, max)) {
      q.deferred.remove(id);
      ids.push(id);
    }
  } else if (state !== "active") {
    ids.push(...q.indexes[state].rangeTo(Infinity, max));
  }
  let moved = 0;
  for (const id of ids) {
    unfinishRecord(q, id, state);
    if (getRecord(q, id, now)?.h.status === state) {
      q.jobs.delete(id);
      moved++;
    }
  }
  ctx.store.changed();
  return { moved, passed: ids.length };
}

export function promoteJob(ctx: MemoryContext, queue: string, id: string): JobActionOutcome {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const h = getRecord(q, id, now)?.h;
  const status = (h?.status ?? null) as JobStatus | null;
  if (!h || status !== "deferred") return { done: false, status };
  q.deferred.add(id, now);
  h.due = String(now);
  signalWork(q);
  ctx.store.changed();
  return { done: true, status };
}

export function removeJob(ctx: MemoryContext, queue: string, id: string): JobActionOutcome {
  const q = ctx.q(queue);
  const h = getRecord(q, id, ctx.store.now())?.h;
  const status = (h?.status ?? null) as JobStatus | null;
  if (!h || !status || status === "in_progress") return { done: false, status };
  if (status === "queued" || status === "deferred") q.flow.expiring.remove(id);
  if (status === "queued") flowUnqueue(q, h, id);
  else if (status === "deferred") q.deferred.remove(id);
  else unfinishRecord(q, id, status);
  q.jobs.delete(id);
  ctx.store.changed();
  return { done: true, status };
}

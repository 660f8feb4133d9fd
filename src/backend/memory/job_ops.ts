/**
 * The job operations of the in-memory store (enqueue, fetch, lease
 * renewal, attempts, completion, hand-back, requeue, dead-letter, read):
 * the same transitions as the Redis scripts (`src/backend/redis/scripts/`),
 * step for step. Each runs to the end without yielding, so it is atomic
 * like a script.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { setImmediate } from "node:timers";
import type { FetchResult, LeaseRenewal, RequeueRequest } from "../backend.ts";
import {
  type Completion,
  type EnqueueOutcome,
  isFinished,
  type JobError,
  type JobInfo,
  jobInfoFromHash,
  type JobResult,
  type JobStatus,
  type LeasedJob,
  type NewJob,
  storedErrors,
  storedOptions,
} from "../../core/job.ts";
import { isJobStatus } from "../../core/job_record.ts";
import {
  deliveryLimitError,
  formatMessage,
  malformedError,
  MESSAGE,
  REASON,
  stalledError,
} from "../../core/store_errors.ts";
import {
  clampTtlMs,
  DEAD_TTL_MS,
  ID_QUOTED_MAX,
  MALFORMED_RAW_MAX,
  QUEUE_ENTRY_MAX,
  RECLAIM_BATCH,
  STATUS_QUOTED_MAX,
} from "../../core/store_limits.ts";

import { utf8Length } from "../../core/names.ts";
import type { MemoryContext } from "./memory_context.ts";
import {
  announceFinished,
  announceProgress,
  cancelledLease,
  deadLetterRecord,
  finishedInfo,
  finishRecord,
  fitsInline,
  getRecord,
  leasedRecord,
  newJobFields,
  signalWork,
  toNumber,
  truncateBytes,
  unfinishRecord,
} from "./records.ts";
import type { QueueState } from "./queue_state.ts";

export function enqueue(ctx: MemoryContext, jobs: NewJob[]): Promise<EnqueueOutcome[]> {
  const out: EnqueueOutcome[] = [];
  for (const job of jobs) {
    const q = ctx.q(job.queue);
    ctx.store.registerQueue(ctx.prefix, job.queue);
    const now = ctx.store.now();
    const existing = getRecord(q, job.id, now);
    const st = existing?.h.status;
    if (st === "queued" || st === "deferred" || st === "in_progress") {
      out.push({ created: false, status: st, enqueuedAt: Number(existing!.h.enq ?? 0) });
      continue;
    }
    if (existing) {
      unfinishRecord(q, job.id, st);
      q.jobs.delete(job.id);
    }
    const due = job.dueAt;
    const status: JobStatus = due > now ? "deferred" : "queued";
    const opts = job.options ? JSON.stringify(job.options) : undefined;
    q.jobs.set(job.id, { h: newJobFields(job.actor, job.argsJson, status, now, due, opts) });
    if (status === "deferred") q.deferred.add(job.id, due);
    else q.ready.pushBack(job.id);
    signalWork(q);
    out.push({ created: true, status, enqueuedAt: now });
  }
  ctx.store.changed();
  return Promise.resolve(out);
}

export function fetch(
  ctx: MemoryContext,
  queue: string,
  max: number,
  leaseMs: number,
  token: string,
  maxStalls = 0,
): Promise<FetchResult> {
  const q = ctx.q(queue);
  const now = ctx.store.now();

  // (1) expired leases go back to the head of the queue, the earliest first;
  // a job whose lease expired more than maxStalls times is dead-lettered
  const expired = q.active.rangeTo(now, RECLAIM_BATCH);
  for (let i = expired.length - 1; i >= 0; i--) {
    const id = expired[i];
    q.active.remove(id);
    const rec = getRecord(q, id, now);
    if (rec?.h.status === "in_progress") {
      const h = rec.h;
      const stalls = (toNumber(h.stalls) ?? 0) + 1;
      h.stalls = String(stalls);
      if (maxStalls > 0 && stalls > maxStalls) {
        deadLetterRecord(
          ctx.store,
          q,
          rec,
          id,
          REASON.stalled,
          stalledError(stalls),
          DEAD_TTL_MS,
          now,
          true,
          ctx.keep.dead,
        );
      } else {
        delete h.token;
        h.status = "queued";
        q.ready.pushFront(id);
      }
    }
  }

  // (2) due deferred jobs first, then queued ones in FIFO order (none while paused)
  const paused = q.paused;
  const jobs: LeasedJob[] = [];
  const take = (id: string) => {
    const bytes = utf8Length(id);
    const long = bytes > QUEUE_ENTRY_MAX;
    const shown = long ? truncateBytes(id, ID_QUOTED_MAX) : id;
    const rec = getRecord(q, id, now);
    if (!rec) {
      const why = long
        ? formatMessage(MESSAGE.entryTooLong, { bytes })
        : formatMessage(MESSAGE.noJobData, { id });
      malformed(ctx, q, id, why, now);
      return;
    }
    const h = rec.h;
    if (h.status !== "queued" && h.status !== "deferred") {
      // in_progress or finished: a stale entry; anything else is not a status
      if (!isJobStatus(h.status)) {
        const status = truncateBytes(String(h.status), STATUS_QUOTED_MAX);
        const why = formatMessage(MESSAGE.unknownStatus, { id: shown, status });
        malformed(ctx, q, id, why, now, true);
      }
      return;
    }
    if (long) {
      const why = formatMessage(MESSAGE.idTooLong, { id: shown, bytes, max: QUEUE_ENTRY_MAX });
      malformed(ctx, q, id, why, now, true);
      return;
    }
    if (h.actor === undefined || h.args === undefined) {
      malformed(ctx, q, id, formatMessage(MESSAGE.lacksActorOrArgs, { id }), now, true);
      return;
    }
    const deliveries = (toNumber(h.deliveries) ?? 0) + 1;
    h.status = "in_progress";
    h.token = token;
    h.started = String(now);
    h.deliveries = String(deliveries);
    q.active.add(id, now + leaseMs);
    jobs.push({
      id,
      queue,
      actor: h.actor,
      argsJson: h.args,
      token,
      deliveries,
      attempts: toNumber(h.attempts) ?? 0,
      errors: storedErrors(h.errors),
      enqueuedAt: toNumber(h.enq) ?? now,
      startedAt: now,
      options: storedOptions(h.opts),
      dueAt: toNumber(h.due) ?? 0,
    });
  };
  if (max > 0 && !paused) {
    for (const id of q.deferred.rangeTo(now, max)) {
      q.deferred.remove(id);
      take(id);
    }
    while (jobs.length < max) {
      const id = q.ready.popFront();
      if (id === undefined) break;
      take(id);
    }
  }

  // (3) the marker stays while work remains
  const nextDue = q.deferred.first();
  if (!paused && (q.ready.length > 0 || (nextDue && nextDue.score <= now))) signalWork(q);
  else q.marker = false;

  // (4) when an idle worker should look again
  let wakeInMs = -1;
  if (nextDue && !paused) wakeInMs = Math.max(0, nextDue.score - now);
  const nextLease = q.active.first();
  if (nextLease) {
    const w = Math.max(0, nextLease.score - now);
    if (wakeInMs < 0 || w < wakeInMs) wakeInMs = w;
  }
  ctx.store.changed();
  // answered on a later turn of the event loop, as a server would, so a
  // fetch loop never starves timers and I/O
  return new Promise((resolve) => setImmediate(() => resolve({ jobs, wakeInMs })));
}

/**
 * Dead-letters a queue entry fetch cannot take, as the fetch script does:
 * in the entry's own job record (`own`), else under its own id when at most
 * MALFORMED_RAW_MAX bytes long, else under `malformed:<sha1>`. A record
 * under the entry's id is announced, so that its waiters learn of it.
 */
function malformed(
  ctx: MemoryContext,
  q: QueueState,
  entry: string,
  why: string,
  now: number,
  own = false,
): void {
  const id = !own && utf8Length(entry) > MALFORMED_RAW_MAX
    ? `malformed:${createHash("sha1").update(entry).digest("hex")}`
    : entry;
  let rec = getRecord(q, id, now);
  if (!rec) {
    rec = { h: {} };
    q.jobs.set(id, rec);
  }
  rec.h.raw = truncateBytes(entry, MALFORMED_RAW_MAX);
  if (rec.h.enq === undefined) rec.h.enq = String(now);
  const error = malformedError(why);
  deadLetterRecord(
    ctx.store,
    q,
    rec,
    id,
    REASON.malformed,
    error,
    DEAD_TTL_MS,
    now,
    id === entry,
    ctx.keep.dead,
  );
}

export function extendLeases(
  ctx: MemoryContext,
  queue: string,
  leases: { id: string; token: string }[],
  leaseMs: number,
): Promise<LeaseRenewal> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const renewal: LeaseRenewal = { lost: [], cancelled: [] };
  for (const l of leases) {
    if (leasedRecord(q, l.id, l.token, now)) q.active.add(l.id, now + leaseMs);
    else {
      renewal.lost.push(l.id);
      if (cancelledLease(q, l.id, l.token, now)) renewal.cancelled.push(l.id);
    }
  }
  return Promise.resolve(renewal);
}

export function recordAttempt(
  ctx: MemoryContext,
  queue: string,
  id: string,
  token: string,
  attempts: number,
  errors: JobError[],
): Promise<boolean> {
  const q = ctx.q(queue);
  const h = leasedRecord(q, id, token, ctx.store.now())?.h;
  if (!h) return Promise.resolve(false);
  h.attempts = String(attempts);
  h.errors = JSON.stringify(errors);
  ctx.store.changed();
  return Promise.resolve(true);
}

/** `progress`: the latest progress of a leased job, stored and announced. */
export function setProgress(
  ctx: MemoryContext,
  queue: string,
  id: string,
  token: string,
  progressJson: string,
): Promise<boolean> {
  const q = ctx.q(queue);
  const h = leasedRecord(q, id, token, ctx.store.now())?.h;
  if (!h) return Promise.resolve(false);
  h.progress = progressJson;
  ctx.store.changed();
  announceProgress(q, id, progressJson);
  return Promise.resolve(true);
}

export function complete(
  ctx: MemoryContext,
  queue: string,
  completions: Completion[],
): Promise<boolean[]> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const res: boolean[] = [];
  for (const c of completions) {
    const rec = leasedRecord(q, c.id, c.token, now);
    if (!rec) {
      res.push(false);
      continue;
    }
    const h = rec.h;
    h.status = c.status;
    h.value = c.valueJson;
    h.errors = c.errors.length ? JSON.stringify(c.errors) : "[]";
    h.attempts = String(c.attempts);
    h.finished = String(now);
    const errorJson = c.error ? JSON.stringify(c.error) : "";
    if (errorJson) h.error = errorJson;
    q.active.remove(c.id);
    const ttl = clampTtlMs(c.ttlMs);
    finishRecord(ctx.store, q, rec, c.id, c.status, now, ttl, ctx.keep[c.status]);
    // the finished state rides with the announcement unless it is large
    const inline = fitsInline([h.value, errorJson, h.errors]);
    announceFinished(q, c.id, inline ? finishedInfo(queue, c.id, h) : undefined);
    res.push(true);
  }
  ctx.store.changed();
  return Promise.resolve(res);
}

export function release(
  ctx: MemoryContext,
  queue: string,
  leases: { id: string; token: string }[],
): Promise<boolean[]> {
  if (leases.length === 0) return Promise.resolve([]);
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const res: boolean[] = new Array(leases.length);
  // the last first, so that the first ends at the head of the queue
  for (let i = leases.length - 1; i >= 0; i--) {
    const { id, token } = leases[i];
    const h = leasedRecord(q, id, token, now)?.h;
    if (h) {
      h.status = "queued";
      delete h.token;
      q.active.remove(id);
      q.ready.pushFront(id);
      res[i] = true;
    } else {
      res[i] = false;
    }
  }
  signalWork(q);
  ctx.store.changed();
  return Promise.resolve(res);
}

export function requeue(
  ctx: MemoryContext,
  queue: string,
  r: RequeueRequest,
): Promise<"requeued" | "dead" | "lost"> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const rec = leasedRecord(q, r.id, r.token, now);
  if (!rec) return Promise.resolve("lost");
  const h = rec.h;
  q.active.remove(r.id);
  if (r.maxDeliveries > 0 && (toNumber(h.deliveries) ?? 0) >= r.maxDeliveries) {
    const error = deliveryLimitError(r.reason, r.maxDeliveries);
    const ttl = clampTtlMs(r.ttlMs);
    deadLetterRecord(ctx.store, q, rec, r.id, r.reason, error, ttl, now, true, ctx.keep.dead);
    ctx.store.changed();
    return Promise.resolve("dead");
  }
  delete h.token;
  const due = now + r.delayMs;
  h.status = "deferred";
  h.due = String(due);
  q.deferred.add(r.id, due);
  signalWork(q);
  ctx.store.changed();
  return Promise.resolve("requeued");
}

export function deadLetter(
  ctx: MemoryContext,
  queue: string,
  id: string,
  token: string,
  reason: string,
  error: JobError,
  ttlMs: number,
): Promise<boolean> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const rec = leasedRecord(q, id, token, now);
  if (!rec) return Promise.resolve(false);
  q.active.remove(id);
  const ttl = clampTtlMs(ttlMs);
  deadLetterRecord(ctx.store, q, rec, id, reason, error, ttl, now, true, ctx.keep.dead);
  ctx.store.changed();
  return Promise.resolve(true);
}

export function getJob(ctx: MemoryContext, queue: string, id: string): Promise<JobInfo | null> {
  const h = getRecord(ctx.q(queue), id, ctx.store.now())?.h;
  if (!h?.status) return Promise.resolve(null);
  return Promise.resolve(jobInfoFromHash(queue, id, h as Record<string, string>));
}

export function readResults(
  ctx: MemoryContext,
  queue: string,
  ids: string[],
): Promise<(JobResult | "unfinished" | null)[]> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  return Promise.resolve(ids.map((id) => {
    const h = getRecord(q, id, now)?.h;
    if (!h?.status) return null;
    if (!isFinished(h.status)) return "unfinished";
    return jobInfoFromHash(queue, id, h).result;
  }));
}

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
import type {
  FetchResult,
  FlowLimits,
  FlowLimitsChange,
  LeaseRenewal,
  RequeueRequest,
} from "../backend.ts";
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
  expiredError,
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
import {
  flowEnter,
  flowFree,
  flowQueue,
  flowRing,
  flowUnqueue,
  nextGrouped,
  nextUngrouped,
} from "./flow_ops.ts";
import { type JobRecord, type QueueState, usesFlow } from "./queue_state.ts";
import { SortedSet } from "./sorted_set.ts";

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
    const h = newJobFields(job.actor, job.argsJson, status, now, due, opts);
    q.jobs.set(job.id, { h });
    if (h.expires !== undefined) q.flow.expiring.add(job.id, Number(h.expires));
    if (status === "deferred") q.deferred.add(job.id, due);
    else if (!flowEnter(q.flow, job.id, h.group, h.priority, false, now)) q.ready.pushBack(job.id);
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
  groupConcurrency = 0,
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
        flowFree(q, h.group);
      } else {
        delete h.token;
        h.status = "queued";
        flowFree(q, flowQueue(q, h, id, true, now));
      }
    }
  }

  const f = q.flow;
  let flow = usesFlow(f);

  // (2) due deferred jobs first, then queued ones in FIFO order (none while paused)
  const paused = q.paused;
  const jobs: LeasedJob[] = [];
  /** Leases the job (returns its deliveries), or judges a bad entry; see the script. */
  const take = (id: string, due = false): number | undefined => {
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
    const expires = toNumber(h.expires);
    if (expires !== undefined && expires <= now && (toNumber(h.deliveries) ?? 0) === 0) {
      expire(ctx, q, rec, id, expires, now);
      return;
    }
    if (due && (h.group || (toNumber(h.priority) ?? 0) !== 0)) {
      h.status = "queued";
      flowEnter(f, id, h.group, h.priority, true, now);
      flow = true;
      return;
    }
    const deliveries = (toNumber(h.deliveries) ?? 0) + 1;
    h.status = "in_progress";
    h.token = token;
    h.started = String(now);
    h.deliveries = String(deliveries);
    q.active.add(id, now + leaseMs);
    if (h.group) f.running.set(h.group, (f.running.get(h.group) ?? 0) + 1);
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
    return deliveries;
  };

  // flow: the rate limit's next free slot when the queue is limited
  let limitedUntil: number | undefined;
  const flowTake = () => {
    for (const id of f.expiring.rangeTo(now, RECLAIM_BATCH)) {
      f.expiring.remove(id);
      const rec = getRecord(q, id, now);
      const h = rec?.h;
      const expires = toNumber(h?.expires);
      if (
        rec && h && (h.status === "queued" || h.status === "deferred") &&
        expires !== undefined && expires <= now && (toNumber(h.deliveries) ?? 0) === 0
      ) {
        if (h.status === "deferred") q.deferred.remove(id);
        else flowUnqueue(q, h, id);
        expire(ctx, q, rec, id, expires, now);
      }
    }
    const due = q.deferred.rangeTo(now, RECLAIM_BATCH);
    // the newest due first, so that the oldest ends at the head of its priority
    for (let i = due.length - 1; i >= 0; i--) {
      const id = due[i];
      q.deferred.remove(id);
      const h = getRecord(q, id, now)?.h;
      let entered = false;
      if (h?.status === "deferred") {
        h.status = "queued";
        entered = flowEnter(f, id, h.group, h.priority, true, now);
      }
      // a plain job, or an entry take judges
      if (!entered) q.ready.pushFront(id);
    }
    const s = f.settings;
    let cap = max - jobs.length;
    if (s.rateMax !== undefined && s.ratePerMs !== undefined) {
      f.starts.removeTo(now - s.ratePerMs);
      cap = Math.min(cap, Math.max(0, s.rateMax - f.starts.size));
    }
    for (const g of f.held.rangeTo(now, RECLAIM_BATCH)) {
      f.held.remove(g);
      flowRing(f, g);
    }
    const concurrency = s.groupConcurrency ?? groupConcurrency;
    const target = jobs.length + cap;
    let turns = s.turn;
    while (jobs.length < target) {
      const ungrouped = (): { id: string; group?: string } | undefined => {
        const id = nextUngrouped(q);
        return id === undefined ? undefined : { id };
      };
      const pick = turns % 2 === 1
        ? nextGrouped(q, now, concurrency) ?? ungrouped()
        : ungrouped() ?? nextGrouped(q, now, concurrency);
      const id = pick?.id;
      const group = pick?.group;
      if (id === undefined) break;
      turns++;
      const deliveries = take(id);
      if (group !== undefined) {
        if (
          deliveries !== undefined && s.groupRateMax !== undefined &&
          s.groupRatePerMs !== undefined
        ) {
          let starts = f.groupStarts.get(group);
          if (!starts) f.groupStarts.set(group, starts = new SortedSet());
          starts.add(`${id}:${deliveries}`, now);
        }
        if (f.groupJobs.has(group)) {
          const running = f.running.get(group) ?? 0;
          if (concurrency === 0 || running < concurrency) flowRing(f, group);
        }
      }
      if (deliveries !== undefined && s.rateMax !== undefined) {
        f.starts.add(`${id}:${deliveries}`, now);
      }
    }
    s.turn = turns % 2;
    if (s.rateMax !== undefined && s.ratePerMs !== undefined && f.starts.size >= s.rateMax) {
      limitedUntil = f.starts.first()!.score + s.ratePerMs;
    }
  };

  if (max > 0 && !paused) {
    if (!flow) {
      for (const id of q.deferred.rangeTo(now, max)) {
        q.deferred.remove(id);
        take(id, true);
      }
      while (jobs.length < max && !flow) {
        const id = q.ready.popFront();
        if (id === undefined) break;
        take(id);
      }
    }
    if (flow && jobs.length < max) flowTake();
  }

  // (3) the marker stays while work remains
  const nextDue = q.deferred.first();
  let hasWork = !paused &&
    (q.ready.length > 0 || (nextDue !== undefined && nextDue.score <= now));
  if (flow && !paused && !hasWork) hasWork = f.prio.size > 0 || f.ring.size > 0;
  // limited: no marker (idle workers sleep until the next slot), unless nothing waits
  if (limitedUntil !== undefined) {
    if (!hasWork) limitedUntil = undefined;
    hasWork = false;
  }
  if (hasWork) signalWork(q);
  else q.marker = false;

  // (4) when an idle worker should look again
  let wakeInMs = -1;
  const sooner = (at: number | undefined) => {
    if (at === undefined) return;
    const w = Math.max(0, at - now);
    if (wakeInMs < 0 || w < wakeInMs) wakeInMs = w;
  };
  if (!paused) sooner(nextDue?.score);
  sooner(q.active.first()?.score);
  if (flow && !paused) {
    sooner(limitedUntil);
    sooner(f.held.first()?.score);
    sooner(f.expiring.first()?.score);
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

/** Dead-letters a job not started before its expiry, as the fetch script's `expire`. */
function expire(
  ctx: MemoryContext,
  q: QueueState,
  rec: JobRecord,
  id: string,
  expiresAt: number,
  now: number,
): void {
  deadLetterRecord(
    ctx.store,
    q,
    rec,
    id,
    REASON.expired,
    expiredError(expiresAt),
    DEAD_TTL_MS,
    now,
    true,
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
  retryInMs?: number,
): Promise<boolean> {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const h = leasedRecord(q, id, token, now)?.h;
  if (!h) return Promise.resolve(false);
  h.attempts = String(attempts);
  h.errors = JSON.stringify(errors);
  if (retryInMs !== undefined) {
    const due = now + retryInMs;
    delete h.token;
    h.status = "deferred";
    h.due = String(due);
    q.active.remove(id);
    q.deferred.add(id, due);
    flowFree(q, h.group);
    signalWork(q);
  }
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
    flowFree(q, h.group);
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
      flowFree(q, flowQueue(q, h, id, true, now));
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
  flowFree(q, h.group);
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
  flowFree(q, rec.h.group);
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

export function setFlowLimits(
  ctx: MemoryContext,
  queue: string,
  limits: FlowLimitsChange,
): Promise<void> {
  const q = ctx.q(queue);
  const s = q.flow.settings;
  if (limits.rate !== undefined) {
    s.rateMax = limits.rate?.max;
    s.ratePerMs = limits.rate?.perMs;
  }
  const g = limits.groups;
  if (g?.concurrency !== undefined) s.groupConcurrency = g.concurrency ?? undefined;
  if (g?.rate !== undefined) {
    s.groupRateMax = g.rate?.max;
    s.groupRatePerMs = g.rate?.perMs;
  }
  signalWork(q);
  ctx.store.changed();
  return Promise.resolve();
}

export function getFlowLimits(ctx: MemoryContext, queue: string): Promise<FlowLimits> {
  const s = ctx.q(queue).flow.settings;
  const out: FlowLimits = {
    rate: s.rateMax !== undefined && s.ratePerMs !== undefined
      ? { max: s.rateMax, perMs: s.ratePerMs }
      : null,
    groups: {},
  };
  if (s.groupConcurrency !== undefined) out.groups.concurrency = s.groupConcurrency;
  if (s.groupRateMax !== undefined && s.groupRatePerMs !== undefined) {
    out.groups.rate = { max: s.groupRateMax, perMs: s.groupRatePerMs };
  }
  return Promise.resolve(out);
}

/**
 * The rules the in-memory store's operations share, the counterparts of the
 * Lua fragments in `src/backend/redis/scripts/includes/`: reading a record
 * (with lazy expiry), the lease check, the work signal, the finished
 * announcement (and what it carries), the record of a new job and the
 * dead-lettering of a job; and the byte counts of Lua's strings.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import {
  type FinishedStatus,
  isFinished,
  type JobError,
  type JobInfo,
  jobInfoFromHash,
  storedOptions,
} from "../../core/job.ts";
import { FINISHED_FIELDS, type JobFields } from "../../core/job_record.ts";
import {
  FINISHED_TRIM_BATCH,
  INLINE_RESULT_MAX,
  THROUGHPUT_KEEP_MS,
  THROUGHPUT_MINUTE_MS,
} from "../../core/store_limits.ts";
import type { MemoryStore } from "./memory_store.ts";
import type { JobRecord, QueueState } from "./queue_state.ts";

/** The job record, or `undefined` when absent or expired (lazy expiry, like Redis). */
export function getRecord(q: QueueState, id: string, now: number): JobRecord | undefined {
  const rec = q.jobs.get(id);
  if (rec?.expiresAt !== undefined && rec.expiresAt < now) {
    q.jobs.delete(id);
    return undefined;
  }
  return rec;
}

/**
 * `leased`: the record of job `id` when `token` holds its lease (the job
 * is in progress under that token), else `undefined`.
 */
export function leasedRecord(
  q: QueueState,
  id: string,
  token: string,
  now: number,
): JobRecord | undefined {
  const rec = getRecord(q, id, now);
  return rec && rec.h.token === token && rec.h.status === "in_progress" ? rec : undefined;
}

/**
 * The second value of `leased`: whether job `id` was cancelled while
 * leased under `token` (its record keeps that token).
 */
export function cancelledLease(q: QueueState, id: string, token: string, now: number): boolean {
  const h = getRecord(q, id, now)?.h;
  return h?.token === token && h.status === "cancelled";
}

/** `signal_work`: leaves the marker, or hands it to the longest waiting waiter. */
export function signalWork(q: QueueState): void {
  if (q.marker) return;
  const waiter = q.waiters.shift();
  if (waiter) waiter.wake();
  else q.marker = true;
}

/**
 * `announce_finished`: tells the `onFinished` listeners that job `id`
 * finished, with its finished state when given (as the `complete` script's
 * message carries it).
 */
export function announceFinished(q: QueueState, id: string, info?: JobInfo): void {
  if (q.finished.size === 0) return;
  const listeners = [...q.finished];
  // on a later turn, after the writer's own answer, as a server's message
  // on another connection would arrive
  setImmediate(() => {
    for (const f of listeners) if (q.finished.has(f)) f(id, info);
  });
}

/**
 * The announcement of the `progress` script: tells the progress listeners
 * of `q` (on a later turn, as a server's message) that job `id` reported
 * `progressJson`.
 */
export function announceProgress(q: QueueState, id: string, progressJson: string): void {
  if (q.progress.size === 0) return;
  const listeners = [...q.progress];
  const progress = JSON.parse(progressJson);
  setImmediate(() => {
    for (const f of listeners) if (q.progress.has(f)) f(id, progress);
  });
}

/**
 * `finish_job` and `trim_finished`: keeps the record of job `id`, whose
 * fields the caller has written (a finished status), for `ttlMs`, and lists
 * it in the index of its status scored by its expiry; up to
 * FINISHED_TRIM_BATCH expired entries leave the index, and when `keep` is
 * above 0 the lowest jobs beyond `keep` are deleted (up to
 * FINISHED_TRIM_BATCH of them).
 */
export function finishRecord(
  store: MemoryStore,
  q: QueueState,
  rec: JobRecord,
  id: string,
  status: FinishedStatus,
  now: number,
  ttlMs: number,
  keep: number,
): void {
  store.expire(rec, now, ttlMs);
  countThroughput(q, status, now);
  const index = q.indexes[status];
  index.add(id, now + ttlMs);
  for (const gone of index.rangeTo(now - 1, FINISHED_TRIM_BATCH)) index.remove(gone);
  if (keep > 0) {
    const over = Math.min(index.size - keep, FINISHED_TRIM_BATCH);
    if (over > 0) {
      for (const old of index.rangeTo(Infinity, over)) {
        index.remove(old);
        q.jobs.delete(old);
      }
    }
  }
}

/**
 * The throughput count of `finish_job`: one more job finished in `status`
 * in the minute of `now`; minutes older than THROUGHPUT_KEEP_MS are dropped.
 */
function countThroughput(q: QueueState, status: FinishedStatus, now: number): void {
  const minute = Math.floor(now / THROUGHPUT_MINUTE_MS);
  let counts = q.throughput.get(minute);
  if (!counts) {
    q.throughput.set(minute, counts = {});
    const oldest = minute - Math.ceil(THROUGHPUT_KEEP_MS / THROUGHPUT_MINUTE_MS);
    for (const m of q.throughput.keys()) if (m < oldest) q.throughput.delete(m);
  }
  counts[status] = (counts[status] ?? 0) + 1;
}

/**
 * `unfinish_job`: takes job `id` out of the index of `status` (it is
 * requeued, removed or replaced); does nothing unless `status` is a finished
 * status.
 */
export function unfinishRecord(q: QueueState, id: string, status: string | undefined): void {
  if (status !== undefined && isFinished(status)) q.indexes[status].remove(id);
}

/**
 * `dead_letter`: ends job `id` as dead with `reason` and `error`, keeps its
 * record for `ttlMs` and indexes it among the dead (`finishRecord`, with
 * `keep` the retention of dead jobs) and, when `announce`, tells the
 * `onFinished` listeners. The caller removes the job from the set it was in.
 */
export function deadLetterRecord(
  store: MemoryStore,
  q: QueueState,
  rec: JobRecord,
  id: string,
  reason: string,
  error: JobError,
  ttlMs: number,
  now: number,
  announce: boolean,
  keep: number,
): void {
  const h = rec.h;
  delete h.token;
  h.status = "dead";
  h.reason = reason;
  h.error = JSON.stringify(error);
  h.finished = String(now);
  finishRecord(store, q, rec, id, "dead", now, ttlMs, keep);
  if (announce) announceFinished(q, id);
}

/**
 * `new_job`: the record of a new job (its options JSON only when given, its
 * flow options as the fields `priority`, `group` and `expires`; no
 * deliveries or attempts, which read as 0); the caller lists an expiring job
 * and puts the id in the ready or the deferred queue or where `flowEnter` says.
 */
export function newJobFields(
  actor: string,
  args: string,
  status: "queued" | "deferred",
  now: number,
  due: number,
  opts: string | undefined,
): JobFields {
  const h: JobFields = {
    actor,
    args,
    status,
    enq: String(now),
    due: String(due),
  };
  if (!opts) return h;
  h.opts = opts;
  const o = storedOptions(opts);
  if (o.priority) h.priority = String(o.priority);
  if (o.group) h.group = o.group;
  const expires = o.expiresAt ?? (o.expiresInMs !== undefined ? now + o.expiresInMs : undefined);
  if (expires !== undefined) h.expires = String(expires);
  return h;
}

/** Whether a result of these JSON texts is carried by its announcement (≤ INLINE_RESULT_MAX bytes). */
export function fitsInline(texts: (string | undefined)[]): boolean {
  let chars = 0;
  for (const t of texts) chars += t?.length ?? 0;
  if (chars * 3 <= INLINE_RESULT_MAX) return true;
  let bytes = 0;
  for (const t of texts) bytes += t ? encoder.encode(t).length : 0;
  return bytes <= INLINE_RESULT_MAX;
}

/** A finished job's state as its announcement carries it: the FINISHED_FIELDS only. */
export function finishedInfo(queue: string, id: string, h: JobFields): JobInfo {
  const fields: Record<string, string> = {};
  for (const name of FINISHED_FIELDS) {
    const v = h[name];
    if (v !== undefined && v !== "") fields[name] = v;
  }
  return jobInfoFromHash(queue, id, fields);
}

/** `tonumber`: the number in `s`, or `undefined`. */
export function toNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/** UTF-8, as the store counts bytes. */
export const encoder = new TextEncoder();

/** The first `max` bytes of `s` as UTF-8, decoded back (a cut character is dropped). */
export function truncateBytes(s: string, max: number): string {
  const bytes = encoder.encode(s);
  if (bytes.length <= max) return s;
  return new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD$/, "");
}

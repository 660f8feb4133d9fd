/**
 * The job model shared by every backend: statuses, results, errors, and the
 * conversion of thrown values into storable errors.
 *
 * @module
 */

import { isTraceparent } from "./traceparent.ts";
import { logicalQueue } from "./partitions.ts";
import { workerOfToken } from "./lease_token.ts";

/**
 * Where a job is in its life:
 * - `queued`: waiting in its queue;
 * - `deferred`: waiting for its time (`deferUntil`, or a redelivery delay);
 * - `in_progress`: leased by a worker and running (or between retries);
 * - `done`: finished successfully;
 * - `failed`: finished after its last attempt failed;
 * - `dead`: dead-lettered without running to the end (see `reason`);
 * - `cancelled`: cancelled before it finished (it is not retried).
 */
export type JobStatus =
  | "queued"
  | "deferred"
  | "in_progress"
  | "done"
  | "failed"
  | "dead"
  | "cancelled";

/** The statuses of a finished job. */
export type FinishedStatus = "done" | "failed" | "dead" | "cancelled";

/** Whether a job in `status` has finished. */
export function isFinished(status: string): status is FinishedStatus {
  return status === "done" || status === "failed" || status === "dead" ||
    status === "cancelled";
}

/** An error as stored with a job: plain JSON, no class. */
export interface JobError {
  /** The error's `name`, such as `"TypeError"` or `"TimeoutError"`. */
  name: string;
  /** The error's message. */
  message: string;
  /** The stack trace, when the error had one. */
  stack?: string;
}

/**
 * The stored outcome of a finished job. Times are UTC epoch milliseconds read
 * from the store's clock (Redis `TIME`), so every host agrees on them.
 */
export interface JobResult<T = unknown> {
  /** The job's id. */
  id: string;
  /** The job's queue. */
  queue: string;
  /** The actor the job was for. */
  actor: string;
  /** `done`, `failed`, `dead` or `cancelled`. */
  status: FinishedStatus;
  /** `true` when the actor returned without throwing. */
  success: boolean;
  /** What the actor returned (`null` when it returned nothing or failed). */
  value: T | null;
  /** The error of the last attempt, or the dead-letter reason; `null` on success. */
  error: JobError | null;
  /** The error of every failed attempt, oldest first. */
  errors: JobError[];
  /** How many times the actor ran. */
  attempts: number;
  /** How many times a worker took the job from its queue. */
  deliveries: number;
  /** Why the job was dead-lettered (`unknown_actor`, `malformed`, `stalled`, …); absent otherwise. */
  reason?: string;
  /** When the job was enqueued. */
  enqueuedAt: number;
  /** When the last delivery started, or `null` when it never started. */
  startedAt: number | null;
  /** When the job finished. */
  finishedAt: number;
}

/** What a store knows of a job: its state, and its result once finished. */
export interface JobInfo {
  /** The job's id. */
  id: string;
  /** The job's queue. */
  queue: string;
  /** The actor the job is for. */
  actor: string;
  /** The job's status. */
  status: JobStatus;
  /** How many times a worker took the job from its queue. */
  deliveries: number;
  /** How many times the actor ran. */
  attempts: number;
  /** When the job was enqueued (epoch ms). */
  enqueuedAt: number;
  /** When a deferred job becomes due (epoch ms), or `null`. */
  dueAt: number | null;
  /** The job's arguments, or `null` when the store's copy was not read or is not JSON. */
  args: unknown[] | null;
  /**
   * The error of every failed attempt, oldest first (a requeued job keeps
   * those of its earlier runs).
   */
  errors: JobError[];
  /** How many times the job's lease expired (its worker stopped answering). */
  stalls: number;
  /** When the latest delivery started (epoch ms), or `null` when it never started. */
  startedAt: number | null;
  /** When the job finished (epoch ms), or `null` while it has not. */
  finishedAt: number | null;
  /**
   * The id of the worker that runs it, or ran it to its end (see
   * `producer.workers()`); `null` when no worker holds or finished it.
   */
  workerId: string | null;
  /** The result, once the job has finished; otherwise `null`. */
  result: JobResult | null;
  /** The job's priority, when it is not 0. */
  priority?: number;
  /** The job's group, when it has one. */
  group?: string;
  /** When the job expires unless started (epoch ms), when it does. */
  expiresAt?: number;
  /** The latest progress its actor reported (`this.progress()`); absent before any. */
  progress?: unknown;
}

/**
 * What a queue's channel tells of its jobs: one finished (with its state
 * when the message carries it), or a running job's progress.
 */
export type QueueStoreEvent =
  | { type: "finished"; id: string; info?: JobInfo }
  | { type: "progress"; id: string; progress: unknown };

/** Per-job settings stored with the job when the producer gave them. */
export interface JobOptions {
  /**
   * Result retention for this job, overriding the actor's.
   * @default {undefined (the actor's)}
   */
  resultTtlMs?: number;
  /**
   * Run-time limit for this job, overriding the actor's.
   * @default {undefined (the actor's)}
   */
  timeoutMs?: number;
  /**
   * Set on an occurrence of a recurring job: its schedule and due time (epoch ms).
   * @default {undefined (not an occurrence)}
   */
  schedule?: { id: string; at: number };
  /**
   * The job's priority: an integer from -1000 to 1000; higher starts first.
   * @default {0}
   */
  priority?: number;
  /**
   * The job's group: its jobs count against the queue's group limits.
   * @default {undefined (no group)}
   */
  group?: string;
  /**
   * Never start the job after this time (epoch ms, store clock).
   * @default {undefined (never expires)}
   */
  expiresAt?: number;
  /**
   * Never start the job later than this many milliseconds after it is stored.
   * @default {undefined (never expires)}
   */
  expiresInMs?: number;
  /**
   * The W3C `traceparent` of the producer's `send` span, when an
   * OpenTelemetry SDK recorded it: the worker's `process` span continues it.
   * @default {undefined (not traced)}
   */
  traceparent?: string;
}

/** A job to be added to a queue, already validated and serialised. */
export interface NewJob {
  /** The job's id. */
  id: string;
  /** Whether the id was given by the user (then it deduplicates). */
  customId: boolean;
  /** The queue. */
  queue: string;
  /** The actor's name. */
  actor: string;
  /** The arguments as a JSON array. */
  argsJson: string;
  /** When it becomes due (epoch ms); 0 for now. */
  dueAt: number;
  /** Per-job options, or `undefined`. */
  options?: JobOptions;
}

/** What enqueueing returned for one job. */
export interface EnqueueOutcome {
  /** `true` when a new job was stored; `false` when an unfinished one with that id existed. */
  created: boolean;
  /** The job's status after the call. */
  status: JobStatus;
  /** When the job (the one kept, for a duplicate id) was enqueued, epoch ms. */
  enqueuedAt: number;
}

/** A job handed to a worker under a lease. */
export interface LeasedJob {
  /** The job's id. */
  id: string;
  /** The job's queue. */
  queue: string;
  /** The actor's name as stored (not yet validated). */
  actor: string;
  /** The arguments as stored (not yet parsed). */
  argsJson: string;
  /** The lease's owner token; every write about the job must present it. */
  token: string;
  /** Deliveries, counting this one. */
  deliveries: number;
  /** Attempts made so far in earlier deliveries. */
  attempts: number;
  /** Errors of those attempts. */
  errors: JobError[];
  /** Enqueue time (epoch ms). */
  enqueuedAt: number;
  /** When this delivery started (epoch ms, store clock). */
  startedAt: number;
  /** Per-job options. */
  options: JobOptions;
  /** When the job became due (epoch ms; 0 when it was due at once, on enqueue). */
  dueAt: number;
}

/** How a leased job ended, to be written together with the ack. */
export interface Completion {
  /** The job's id. */
  id: string;
  /** The lease token. */
  token: string;
  /** `done` or `failed`. */
  status: "done" | "failed";
  /** The returned value as JSON (`"null"` when nothing was returned). */
  valueJson: string;
  /** The last error, when failed. */
  error: JobError | null;
  /** Every attempt's error. */
  errors: JobError[];
  /** Attempts made in all. */
  attempts: number;
  /** How long to keep the result, in milliseconds. */
  ttlMs: number;
}

/**
 * Since when a waiting job waits (epoch ms): its due time, or its enqueue
 * time when it was due at once (`due` 0). For the store's fields as strings.
 *
 * @example
 * ```ts
 * import { waitingSince } from "./job.ts";
 *
 * console.log(waitingSince("1000", "0"), waitingSince("1000", "5000")); // 1000 5000
 * ```
 */
export function waitingSince(enq: string | undefined, due: string | undefined): number | undefined {
  const e = Number(enq ?? NaN);
  const d = Number(due ?? 0);
  if (!Number.isFinite(e)) return undefined;
  return Number.isFinite(d) && d > e ? d : e;
}

/** Parses `text` as JSON, or returns `fallback` when it is not valid JSON. */
export function parseJsonOr<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * The attempt errors stored with a job: a JSON array, else none (the field
 * is absent or damaged).
 */
export function storedErrors(text: string | undefined): JobError[] {
  const v: unknown = text ? parseJsonOr(text, null) : null;
  return Array.isArray(v) ? v : [];
}

/**
 * The per-job options stored with a job. A damaged field reads as no
 * options, and a value of the wrong type as absent, so that a job written
 * by a foreign or broken producer never derails the worker handling it.
 */
export function storedOptions(text: string | undefined): JobOptions {
  const v: unknown = text ? parseJsonOr(text, null) : null;
  if (v === null || typeof v !== "object" || Array.isArray(v)) return {};
  const o = v as Record<string, unknown>;
  const isMs = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 1;
  const out: JobOptions = {};
  if (isMs(o.resultTtlMs)) out.resultTtlMs = o.resultTtlMs;
  if (isMs(o.timeoutMs)) out.timeoutMs = o.timeoutMs;
  const sched = o.schedule as { id?: unknown; at?: unknown } | null | undefined;
  if (sched && typeof sched.id === "string" && Number.isSafeInteger(sched.at)) {
    out.schedule = { id: sched.id, at: sched.at as number };
  }
  if (Number.isInteger(o.priority) && o.priority !== 0) out.priority = o.priority as number;
  if (typeof o.group === "string" && o.group !== "") out.group = o.group;
  if (Number.isSafeInteger(o.expiresAt)) out.expiresAt = o.expiresAt as number;
  if (isMs(o.expiresInMs)) out.expiresInMs = o.expiresInMs;
  if (isTraceparent(o.traceparent)) out.traceparent = o.traceparent;
  return out;
}

/**
 * Builds a {@linkcode JobInfo} from a job's stored fields (a Redis hash, or
 * the same fields held in memory): `status`, `actor`, `args`, `deliveries`,
 * `attempts`, `enq`, `due`, `errors`, `stalls`, `started`, `token`, `priority`,
 * `group`, `expires`, `progress`, and once finished `value`, `error`,
 * `finished`, `reason`. A partition's job names its logical queue.
 */
export function jobInfoFromHash(
  physical: string,
  id: string,
  h: Record<string, string>,
): JobInfo {
  const queue = logicalQueue(physical);
  const status = h.status as JobStatus;
  const args: unknown = h.args === undefined ? null : parseJsonOr(h.args, null);
  const info: JobInfo = {
    id,
    queue,
    actor: h.actor ?? "",
    status,
    deliveries: Number(h.deliveries ?? 0),
    attempts: Number(h.attempts ?? 0),
    enqueuedAt: Number(h.enq ?? 0),
    dueAt: status === "deferred" && h.due ? Number(h.due) : null,
    args: Array.isArray(args) ? args : null,
    errors: storedErrors(h.errors),
    stalls: Number(h.stalls ?? 0) || 0,
    startedAt: h.started ? Number(h.started) : null,
    finishedAt: isFinished(status) && h.finished ? Number(h.finished) : null,
    workerId: workerOfToken(h.token),
    result: null,
  };
  if (h.priority) info.priority = Number(h.priority);
  if (h.group) info.group = h.group;
  if (h.expires) info.expiresAt = Number(h.expires);
  if (h.progress !== undefined) info.progress = parseJsonOr(h.progress, null);
  if (isFinished(status)) {
    const result: JobResult = {
      id,
      queue,
      actor: info.actor,
      status,
      success: status === "done",
      value: status === "done" && h.value !== undefined ? parseJsonOr(h.value, null) : null,
      error: h.error ? parseJsonOr<JobError | null>(h.error, null) : null,
      errors: storedErrors(h.errors),
      attempts: info.attempts,
      deliveries: info.deliveries,
      enqueuedAt: info.enqueuedAt,
      startedAt: h.started ? Number(h.started) : null,
      finishedAt: Number(h.finished ?? 0),
    };
    if (h.reason) result.reason = h.reason;
    info.result = result;
  }
  return info;
}

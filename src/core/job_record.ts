/**
 * The stored record of a job, the same on every store: the statuses it can
 * be in and the fields it holds (the fields of a Redis hash; the memory
 * store holds the same fields as strings). The Lua scripts use these names
 * and a test checks that they use no other.
 *
 * @module
 */

import type { JobStatus } from "./job.ts";

/**
 * Every status a stored job can be in, in the order of a job's life.
 *
 * @example
 * ```ts
 * import { JOB_STATUSES } from "./job_record.ts";
 *
 * console.log(JOB_STATUSES.includes("queued")); // true
 * ```
 */
export const JOB_STATUSES = [
  "queued",
  "deferred",
  "in_progress",
  "done",
  "failed",
  "dead",
  "cancelled",
] as const satisfies readonly JobStatus[];

/** Compiles only while {@linkcode JOB_STATUSES} lists every {@linkcode JobStatus}. */
const _everyStatus: Exclude<JobStatus, typeof JOB_STATUSES[number]> extends never ? true : never =
  true;
void _everyStatus;

/**
 * Whether `status` is one of {@linkcode JOB_STATUSES} (a stored status can be
 * anything when a foreign or broken writer wrote it).
 *
 * @example
 * ```ts
 * import { isJobStatus } from "./job_record.ts";
 *
 * console.log(isJobStatus("done"), isJobStatus("paused")); // true false
 * ```
 */
export function isJobStatus(status: unknown): status is JobStatus {
  return (JOB_STATUSES as readonly unknown[]).includes(status);
}

/**
 * The fields of a stored job record, each a string.
 *
 * @example
 * ```ts
 * import { JOB_FIELDS } from "./job_record.ts";
 *
 * console.log(JOB_FIELDS.length);
 * ```
 */
export const JOB_FIELDS = [
  /** The actor's name. */
  "actor",
  /** The arguments as a JSON array (kept once the job finished, so that it can run again). */
  "args",
  /** One of {@linkcode JOB_STATUSES}. */
  "status",
  /** When the job was enqueued (epoch ms). */
  "enq",
  /** When the job is due (epoch ms; 0 = at once). */
  "due",
  /** Per-job options as a JSON object, when given. */
  "opts",
  /** How many times a worker took the job. */
  "deliveries",
  /** How many times the actor ran. */
  "attempts",
  /**
   * The lease's owner token while the job is in progress, kept once it
   * finished (also by a job cancelled in progress): it names the worker that
   * ran it (`<worker id>-<n>`).
   */
  "token",
  /** When the last delivery started (epoch ms). */
  "started",
  /** How many times the job's lease expired. */
  "stalls",
  /** The returned value as JSON, once finished. */
  "value",
  /** The last error as JSON, once failed or dead. */
  "error",
  /** Every attempt's error as a JSON array. */
  "errors",
  /** Why the job was dead-lettered. */
  "reason",
  /** When the job finished (epoch ms). */
  "finished",
  /** The first bytes of a malformed queue entry. */
  "raw",
  /** The job's priority (an integer; absent: 0). */
  "priority",
  /** The job's group, when it has one. */
  "group",
  /** When the job expires unless started (epoch ms), when it does. */
  "expires",
  /** The latest progress the actor reported, as JSON. */
  "progress",
  /**
   * A finished job's score in the finished-jobs index of its status (when
   * its record expires, epoch ms): where `unfinish_job` finds its entry.
   */
  "ixs",
] as const;

/** One field of a stored job record. */
export type JobField = typeof JOB_FIELDS[number];

/** A stored job record: its fields, as strings. */
export type JobFields = { [F in JobField]?: string };

/**
 * The fields a finished notification carries after the job id, in their
 * order (the Redis `complete` script writes them in this order, one a line).
 *
 * @example
 * ```ts
 * import { FINISHED_FIELDS } from "./job_record.ts";
 *
 * console.log(FINISHED_FIELDS[0]); // "actor"
 * ```
 */
export const FINISHED_FIELDS = [
  "actor",
  "status",
  "value",
  "error",
  "errors",
  "attempts",
  "deliveries",
  "enq",
  "started",
  "finished",
] as const satisfies readonly JobField[];

/**
 * The messages between the main thread and a thread of the pool. Plain,
 * structured-cloneable data only: the result travels as a JSON string.
 *
 * @module
 */

import type { JobError } from "../core/job.ts";

/** What a thread actor sees as `this` (the fields of `JobContext` except `signal` and `progress`). */
export interface ThreadJobContext {
  /** The job's id. */
  jobId: string;
  /** The job's queue (for a partitioned queue, its logical name). */
  queue: string;
  /** The job's partition of its queue (0 when the queue is not partitioned). */
  partition: number;
  /** The actor's name. */
  actor: string;
  /** This attempt's number, from 1. */
  attempt: number;
  /** How many times the job was taken from its queue, counting this time. */
  deliveries: number;
}

/** Main thread → thread: run one call. */
export interface RunMessage {
  type: "run";
  /** The call's number, echoed back in the answer. */
  id: number;
  /** The module's URL. */
  module: string;
  /** The export to call (`"default"` for the default export). */
  exportName: string;
  /** The arguments as JSON text (a JSON array). */
  argsJson: string;
  /** The job's context, the function's `this`. */
  context: ThreadJobContext;
  /**
   * The run's time limit, also enforced inside the thread on the function's
   * synchronous part (where `terminate()` cannot interrupt a busy loop).
   */
  timeoutMs?: number;
}

/** Why a call failed in the thread. */
export type FailureKind =
  /** The function threw or its promise rejected. */
  | "threw"
  /** The module could not be imported. */
  | "load"
  /** The module lacks the export, or the export is not a function. */
  | "export"
  /** The returned value is not plain JSON. */
  | "json"
  /** The synchronous part of the call ran past `timeoutMs` and was interrupted. */
  | "timeout";

/** Thread → main thread. */
export type ThreadMessage =
  /** The thread is listening. */
  | { type: "ready" }
  /** A call succeeded; `json` is the returned value serialised. */
  | { type: "done"; id: number; json: string }
  /** A call failed. */
  | { type: "failed"; id: number; kind: FailureKind; error: JobError }
  /** A running call reported its progress (`this.progress(value)`), serialised. */
  | { type: "progress"; id: number; json: string }
  /** An uncaught error or rejection reached the thread's top level. */
  | { type: "crash"; error: JobError };

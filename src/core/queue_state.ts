/**
 * The states of a queue as the operating API names them (`q.counts()`,
 * `q.jobs()`): a job's status, with `active` for `in_progress`.
 *
 * @module
 */

import type { FinishedStatus, JobStatus } from "./job.ts";

/**
 * A state of a queue: `queued`, `deferred`, `active` (status `in_progress`),
 * or one of the finished statuses `done`, `failed`, `dead`, `cancelled`.
 */
export type QueueState =
  | "queued"
  | "deferred"
  | "active"
  | "done"
  | "failed"
  | "dead"
  | "cancelled";

/** How many jobs of a queue are in each state. */
export type QueueCounts = Record<QueueState, number>;

/**
 * Every state of a queue, in the order of a job's life.
 *
 * @example
 * ```ts
 * import { QUEUE_STATES } from "./queue_state.ts";
 *
 * console.log(QUEUE_STATES.includes("active")); // true
 * ```
 */
export const QUEUE_STATES = [
  "queued",
  "deferred",
  "active",
  "done",
  "failed",
  "dead",
  "cancelled",
] as const satisfies readonly QueueState[];

/** Compiles only while {@linkcode QUEUE_STATES} lists every {@linkcode QueueState}. */
const _everyState: Exclude<QueueState, typeof QUEUE_STATES[number]> extends never ? true : never =
  true;
void _everyState;

/**
 * The finished statuses, each with its own index of jobs per queue.
 *
 * @example
 * ```ts
 * import { FINISHED_STATES } from "./queue_state.ts";
 *
 * console.log(FINISHED_STATES.length); // 4
 * ```
 */
export const FINISHED_STATES = [
  "done",
  "failed",
  "dead",
  "cancelled",
] as const satisfies readonly FinishedStatus[];

/**
 * Whether `state` names a state of a queue.
 *
 * @example
 * ```ts
 * import { isQueueState } from "./queue_state.ts";
 *
 * console.log(isQueueState("active"), isQueueState("in_progress")); // true false
 * ```
 */
export function isQueueState(state: unknown): state is QueueState {
  return (QUEUE_STATES as readonly unknown[]).includes(state);
}

/**
 * The queue state of a job in `status` (`in_progress` is `active`).
 *
 * @example
 * ```ts
 * import { stateOfStatus } from "./queue_state.ts";
 *
 * console.log(stateOfStatus("in_progress")); // "active"
 * ```
 */
export function stateOfStatus(status: JobStatus): QueueState {
  return status === "in_progress" ? "active" : status;
}

/**
 * Counts of zero for every state.
 *
 * @example
 * ```ts
 * import { zeroCounts } from "./queue_state.ts";
 *
 * console.log(zeroCounts().dead); // 0
 * ```
 */
export function zeroCounts(): QueueCounts {
  return { queued: 0, deferred: 0, active: 0, done: 0, failed: 0, dead: 0, cancelled: 0 };
}

/**
 * How many finished jobs of each finished state a queue keeps at most, in
 * addition to the result TTL (the oldest are removed first). A state left
 * out, or 0, has no limit.
 */
export type Retention = Partial<Record<FinishedStatus, number>>;

/**
 * Checks a {@linkcode Retention}: an object of whole numbers of at least 0
 * for the finished states; returns it.
 *
 * @example
 * ```ts
 * import { assertRetention } from "./queue_state.ts";
 *
 * console.log(assertRetention({ done: 1000 }, "Cannot create worker")); // { done: 1000 }
 * ```
 */
export function assertRetention(retention: unknown, action: string): Retention {
  if (retention === null || typeof retention !== "object" || Array.isArray(retention)) {
    throw new TypeError(
      `${action}: retention must be an object such as { done: 1000 }, got ${
        Array.isArray(retention) ? "an array" : String(retention)
      }`,
    );
  }
  for (const [state, n] of Object.entries(retention)) {
    if (!(FINISHED_STATES as readonly string[]).includes(state)) {
      throw new RangeError(
        `${action}: retention.${state} is not a finished state; expected one of ${
          FINISHED_STATES.join(", ")
        }`,
      );
    }
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      throw new RangeError(
        `${action}: retention.${state} must be a whole number of jobs, at least 0, got ${n}`,
      );
    }
  }
  return retention as Retention;
}

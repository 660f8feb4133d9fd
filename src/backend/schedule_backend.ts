/**
 * The part of `Backend` that stores recurring jobs. A schedule is a
 * record (its actor, arguments, rule and next run time) plus at most one
 * pending occurrence: an ordinary deferred job with the deterministic id
 * `<scheduleId>@<dueAtMs>` carrying `options.schedule`. The next occurrence
 * is created when a worker starts the current one, by a compare-and-set on
 * the record's next run time, so racing workers and redeliveries create it
 * once. The times to store are computed by the caller (src/core/schedule.ts);
 * the store only compares them.
 *
 * @module
 */

import type {
  NewSchedule,
  ScheduleInfo,
  ScheduleOutcome,
  ScheduleStatus,
} from "../core/schedule.ts";

/** What registering a schedule returned. */
export interface ScheduleUpsertResult {
  /** `created`, `updated` (a setting changed) or `kept` (registered before, unchanged). */
  outcome: ScheduleOutcome;
  /** The schedule's status after the call (a paused schedule stays paused). */
  status: ScheduleStatus;
  /** When the pending occurrence is due (meaningless while paused). */
  nextRunAt: number;
}

/** What {@linkcode ScheduleBackend.advanceSchedule} did. */
export type AdvanceOutcome =
  /** The next occurrence was created (or already existed) and the record moved on. */
  | "advanced"
  /** The record's next run time was not the expected one: another delivery already advanced it. */
  | "stale"
  /** The schedule is paused: nothing was created. */
  | "paused"
  /** The schedule was cancelled. */
  | "gone";

/** Schedule storage, implemented by every backend. */
export interface ScheduleBackend {
  /**
   * The store's clock, UTC epoch milliseconds (Redis `TIME`). With `queue`,
   * the clock of the node that holds that queue (on a Redis Cluster, its
   * master: the clock its scripts use).
   */
  time(queue?: string): Promise<number>;
  /**
   * Creates a schedule, or keeps it when the same definition is registered
   * again, or updates it when a setting changed. On creation (and when the
   * rule changed) the next run is `firstAt`, and an unstarted pending
   * occurrence of the old rule is removed. An active schedule always ends
   * with its pending occurrence stored (created only if that job id is absent).
   */
  upsertSchedule(schedule: NewSchedule): Promise<ScheduleUpsertResult>;
  /** Reads a schedule, or `null` when there is none with that id. */
  getSchedule(queue: string, id: string): Promise<ScheduleInfo | null>;
  /** Every schedule of `queue`, soonest next run first. */
  listSchedules(queue: string): Promise<ScheduleInfo[]>;
  /**
   * Called when the occurrence due at `at` starts: records it as run, and
   * only if the record's next run time still is `at` (compare-and-set) sets
   * it to `nextAt` and creates that occurrence's job unless a job with its id
   * exists (a finished occurrence is never replaced).
   */
  advanceSchedule(queue: string, id: string, at: number, nextAt: number): Promise<AdvanceOutcome>;
  /**
   * Pauses a schedule: its pending occurrence, unless already started, is
   * removed, and none is created until it is resumed. `false` when unknown.
   */
  pauseSchedule(queue: string, id: string): Promise<boolean>;
  /**
   * Resumes a paused schedule with its next occurrence at `nextAt`;
   * `active` when it was not paused (nothing changes), `gone` when unknown.
   */
  resumeSchedule(queue: string, id: string, nextAt: number): Promise<"resumed" | "active" | "gone">;
  /**
   * Removes a schedule and its unstarted pending occurrence; an occurrence
   * already running finishes. `false` when unknown.
   */
  cancelSchedule(queue: string, id: string): Promise<boolean>;
  /** The job ids of the latest started occurrences, latest due first (at most `limit`). */
  scheduleRuns(queue: string, id: string, limit: number): Promise<string[]>;
}

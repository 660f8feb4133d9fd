/**
 * What a worker does when it starts an occurrence of a recurring job: work
 * out the next occurrence from the schedule's rule and the store's clock,
 * and have the store move the schedule on (a compare-and-set, so racing
 * workers and redeliveries create the next occurrence once). This happens
 * before the actor runs, so a failing or crashing occurrence never stops
 * the schedule.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { AdvanceOutcome } from "../backend/schedule_backend.ts";
import type { LeasedJob } from "../core/job.ts";
/**
 * Moves the schedule of the occurrence `job` on. Returns what the store did,
 * `not_recurring` when the job is not an occurrence, or `exhausted` when a
 * cron pattern never matches again (the schedule then stays as it is). Only
 * store errors are thrown (the caller retries them).
 */
export declare function advanceOccurrence(backend: Backend, job: LeasedJob): Promise<AdvanceOutcome | "not_recurring" | "exhausted">;

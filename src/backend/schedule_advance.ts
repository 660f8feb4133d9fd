/**
 * What a worker does when it starts an occurrence of a recurring job (and a
 * producer when it cancels one that never started): work
 * out the next occurrence from the schedule's rule and the store's clock,
 * and have the store move the schedule on (a compare-and-set, so racing
 * workers and redeliveries create the next occurrence once). This happens
 * before the actor runs, so a failing or crashing occurrence never stops
 * the schedule.
 *
 * @module
 */

import type { Backend } from "./backend.ts";
import type { AdvanceOutcome } from "./schedule_backend.ts";
import type { LeasedJob } from "../core/job.ts";
import { followingOccurrence, ruleOf } from "../core/schedule.ts";

/**
 * Moves the schedule of the occurrence `job` on (`startedAt`: the store's
 * clock when it started, or was cancelled before it could). Returns what the store did,
 * `not_recurring` when the job is not an occurrence, or `exhausted` when a
 * cron pattern never matches again (the schedule then stays as it is). Only
 * store errors are thrown (the caller retries them).
 */
export async function advanceOccurrence(
  backend: Backend,
  job: Pick<LeasedJob, "queue" | "options" | "startedAt">,
): Promise<AdvanceOutcome | "not_recurring" | "exhausted"> {
  const ref = job.options.schedule;
  if (!ref || typeof ref.id !== "string" || typeof ref.at !== "number") return "not_recurring";
  const info = await backend.getSchedule(job.queue, ref.id);
  if (!info) return "gone";
  let nextAt: number | null;
  try {
    // job.startedAt is the store's clock at this delivery: no host clock is involved.
    nextAt = followingOccurrence(ruleOf(info), ref.at, job.startedAt, info.catchUp);
  } catch {
    nextAt = null; // a damaged record: leave the schedule as it is
  }
  if (nextAt === null || nextAt <= ref.at) return "exhausted";
  return await backend.advanceSchedule(job.queue, ref.id, ref.at, nextAt);
}

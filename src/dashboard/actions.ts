/**
 * The dashboard's actions (each the answer to a POST that passed the CSRF
 * checks), carried out through the producer's operating API. Each returns
 * the notice shown on the page it returns to.
 *
 * @module
 */

import type { FinishedStatus } from "../core/job.ts";
import { FINISHED_STATES, QUEUE_STATES, type QueueState } from "../core/queue_state.ts";
import type { DashboardSource } from "./source.ts";

/** What a POST acts on, from its path. */
export type ActionTarget =
  | { kind: "schedule"; queue: string; id: string; verb: string }
  | { kind: "queue"; queue: string; verb: string }
  | { kind: "job"; queue: string; id: string; verb: string };

/** A POST to an action the dashboard does not have. */
export class UnknownActionError extends Error {
  override name = "UnknownActionError";
}

const PURGEABLE = QUEUE_STATES.filter((s): s is Exclude<QueueState, "active"> => s !== "active");

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function stateOf<T extends string>(form: URLSearchParams, allowed: readonly T[]): T {
  const state = form.get("state") ?? "";
  if (!(allowed as readonly string[]).includes(state)) {
    throw new TypeError(
      `Unknown state ${JSON.stringify(state)}: expected one of ${allowed.join(", ")}`,
    );
  }
  return state as T;
}

async function scheduleAction(
  source: DashboardSource,
  t: { queue: string; id: string; verb: string },
): Promise<string> {
  const schedule = await source.producer.getSchedule(t.id, { queue: t.queue });
  if (!schedule) return `No schedule ${t.id} in ${t.queue}.`;
  if (t.verb === "pause") {
    return (await schedule.pause()) ? `Paused ${t.id}.` : `${t.id} is gone.`;
  }
  if (t.verb === "resume") {
    return (await schedule.resume()) ? `Resumed ${t.id}.` : `${t.id} is gone.`;
  }
  if (t.verb === "cancel") {
    return (await schedule.cancel()) ? `Cancelled ${t.id}.` : `${t.id} is gone.`;
  }
  throw new UnknownActionError(`No schedule action ${t.verb}`);
}

async function queueAction(
  source: DashboardSource,
  t: { queue: string; verb: string },
  form: URLSearchParams,
): Promise<string> {
  const queue = source.producer.queue(t.queue);
  if (t.verb === "pause") {
    await queue.pause();
    return `Paused ${t.queue}: no job of it starts until it is resumed.`;
  }
  if (t.verb === "resume") {
    await queue.resume();
    return `Resumed ${t.queue}.`;
  }
  if (t.verb === "requeue") {
    const state = stateOf<FinishedStatus>(form, FINISHED_STATES);
    return `Requeued ${plural(await queue.requeue({ state }), `${state} job`)} of ${t.queue}.`;
  }
  if (t.verb === "purge") {
    const state = stateOf(form, PURGEABLE);
    return `Removed ${plural(await queue.purge({ state }), `${state} job`)} of ${t.queue}.`;
  }
  throw new UnknownActionError(`No queue action ${t.verb}`);
}

async function jobAction(
  source: DashboardSource,
  t: { queue: string; id: string; verb: string },
): Promise<string> {
  const job = await source.producer.getJob(t.id, { queue: t.queue });
  if (!job) return `No job ${t.id} in ${t.queue}.`;
  if (t.verb === "cancel") {
    const r = await job.cancel();
    return r.cancelled
      ? `Cancelled ${t.id}.`
      : `${t.id} had finished (${r.status}): not cancelled.`;
  }
  if (t.verb === "requeue") {
    const r = await job.requeue();
    return r.requeued ? `Requeued ${t.id}.` : `${t.id} is ${r.status}: not requeued.`;
  }
  if (t.verb === "promote") {
    const r = await job.promote();
    return r.promoted ? `${t.id} runs now.` : `${t.id} is ${r.status}: not promoted.`;
  }
  if (t.verb === "remove") {
    const r = await job.remove();
    return r.removed ? `Removed ${t.id}.` : `${t.id} is ${r.status}: not removed.`;
  }
  throw new UnknownActionError(`No job action ${t.verb}`);
}

/** Carries out `target` with the posted `form`; the notice to show. */
export function runAction(
  source: DashboardSource,
  target: ActionTarget,
  form: URLSearchParams,
): Promise<string> {
  switch (target.kind) {
    case "schedule":
      return scheduleAction(source, target);
    case "queue":
      return queueAction(source, target, form);
    case "job":
      return jobAction(source, target);
  }
}

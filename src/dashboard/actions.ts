/**
 * The dashboard's actions (each the answer to a POST that passed the CSRF
 * checks), carried out through the producer's operating API. Each returns
 * the notice shown on the page it returns to.
 *
 * @module
 */

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

/** Carries out `target` with the posted `form`; the notice to show. */
export function runAction(
  source: DashboardSource,
  target: ActionTarget,
  _form: URLSearchParams,
): Promise<string> {
  switch (target.kind) {
    case "schedule":
      return scheduleAction(source, target);
    default:
      throw new UnknownActionError(`No ${target.kind} action ${target.verb}`);
  }
}

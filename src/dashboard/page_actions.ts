/**
 * Which actions a page offers, as forms: on a job's page by its status, on
 * a queue's page by the state listed. Nothing on a read-only dashboard.
 *
 * @module
 */

import type { JobInfo } from "../core/job.ts";
import { isFinished } from "../core/job.ts";
import type { Html } from "./html.ts";
import { actionForm, href, type PageContext, withQuery } from "./layout.ts";
import { pauseForm } from "./overview_page.ts";

/** The states whose jobs can be requeued all at once. */
export const REQUEUABLE_STATES: readonly string[] = ["failed", "dead", "cancelled"];

/** The actions of a job's page. */
export function jobActions(ctx: PageContext, info: JobInfo): Html[] {
  if (ctx.readOnly) return [];
  const at = (verb: string) => href(ctx, "queues", info.queue, "jobs", info.id, verb);
  const out: Html[] = [];
  if (isFinished(info.status)) {
    out.push(actionForm(ctx, at("requeue"), "Requeue", { kind: "primary" }));
  }
  if (info.status === "deferred") {
    out.push(actionForm(ctx, at("promote"), "Run now", { kind: "primary" }));
  }
  if (!isFinished(info.status)) {
    out.push(actionForm(ctx, at("cancel"), "Cancel", {
      kind: "danger",
      confirm: info.status === "in_progress"
        ? `Cancel the running job ${info.id}? Its actor's signal aborts.`
        : `Cancel the job ${info.id}?`,
    }));
  }
  if (info.status !== "in_progress") {
    out.push(actionForm(ctx, at("remove"), "Remove", {
      kind: "danger",
      confirm: `Remove the job ${info.id} and its result?`,
      back: href(ctx, "queues", info.queue),
    }));
  }
  return out;
}

/** The actions of a queue's page listing `state`. */
export function queueActions(
  ctx: PageContext,
  { name: queue, paused }: { name: string; paused: boolean | null },
  state: string,
): Html[] {
  if (ctx.readOnly) return [];
  const at = (verb: string) => href(ctx, "queues", queue, verb);
  const back = withQuery(href(ctx, "queues", queue), { state });
  const out: Html[] = [pauseForm(ctx, { name: queue, paused, counts: null }, back)];
  if (REQUEUABLE_STATES.includes(state)) {
    out.push(actionForm(ctx, at("requeue"), `Requeue all ${state}`, {
      kind: "primary",
      fields: { state },
      confirm: `Requeue every ${state} job of ${queue}?`,
      back,
    }));
  }
  if (state !== "active") {
    out.push(actionForm(ctx, at("purge"), `Remove all ${state}`, {
      kind: "danger",
      fields: { state },
      confirm: `Remove every ${state} job of ${queue}? This cannot be undone.`,
      back,
    }));
  }
  return out;
}

/**
 * The schedules page: every recurring job with its rule, next and last run,
 * its latest result, and pause/resume/cancel.
 *
 * @module
 */

import type { JobResult } from "../core/job.ts";
import type { ScheduleInfo } from "../core/schedule.ts";
import { formatDuration, formatJsonShort, formatRelative, formatTime } from "./format.ts";
import { markup } from "./html.ts";
import { actionForm, href, layout, type PageContext, stateBadge } from "./layout.ts";

/** One schedule and its latest result. */
export interface ScheduleRow {
  /** The schedule. */
  info: ScheduleInfo;
  /** The result of its latest finished occurrence, when known. */
  latest: JobResult | null;
}

function rule(info: ScheduleInfo) {
  if (info.cron) {
    return markup`<code>${info.cron}</code>${
      info.tz
        ? markup`
          <span class="muted">${info.tz}</span>
        `
        : ""
    }`;
  }
  return markup`every ${formatDuration(info.every ?? 0)}`;
}

function latest(ctx: PageContext, r: JobResult | null) {
  if (!r) return markup`<span class="muted">—</span>`;
  return markup`<a href="${href(ctx, "queues", r.queue, "jobs", r.id)}">${
    stateBadge(r.status)
  }</a> <span class="mono muted">${
    r.success ? formatJsonShort(r.value, 40) : r.error?.message ?? ""
  }</span>`;
}

/** The whole page. */
export function renderSchedulesPage(ctx: PageContext, rows: readonly ScheduleRow[]): string {
  const actions = (info: ScheduleInfo) => {
    const at = (verb: string) => href(ctx, "schedules", info.queue, info.id, verb);
    return [
      info.status === "paused"
        ? actionForm(ctx, at("resume"), "Resume", { kind: "primary" })
        : actionForm(ctx, at("pause"), "Pause"),
      actionForm(ctx, at("cancel"), "Cancel", {
        kind: "danger",
        confirm: `Cancel the schedule ${info.id}? It is removed.`,
      }),
    ];
  };
  const body = markup`<h1>Schedules</h1>
<p class="lead">Recurring jobs, soonest first.</p>
<div class="panel">${
    rows.length === 0 ? markup`<div class="empty">No recurring jobs.</div>` : markup`
      <table>
        <thead>
          <tr><th>Schedule</th><th>Queue</th><th>Actor</th><th>Rule</th><th>Status</th><th>Next run</th><th>Last run</th><th>Last result</th>${
      ctx
          .readOnly
        ? ""
        : markup`<th></th>`
    }</tr>
        </thead>
        <tbody>${
      rows.map(({ info, latest: r }) =>
        markup`
            <tr
              data-schedule="${info.id}"><td class="mono">${info.id}</td><td><a href="${
          href(
            ctx,
            "queues",
            info.queue,
          )
        }">${info.queue}</a></td><td><code>${info.actor}</code></td><td>${
          rule(
            info,
          )
        }</td><td>${
          stateBadge(
            info.status === "paused" ? "paused" : "queued",
            info.status,
          )
        }</td><td title="${formatTime(info.nextRunAt)}">${
          formatRelative(
            info.nextRunAt,
            ctx.now,
          )
        }</td><td title="${formatTime(info.lastRunAt)}">${
          formatRelative(
            info.lastRunAt,
            ctx.now,
          )
        }</td><td>${latest(ctx, r)}</td>${
          ctx.readOnly ? "" : markup`<td class="num">${actions(info)}</td>`
        }</tr>
          `
      )
    }</tbody>
      </table>
    `
  }</div>`;
  return layout(ctx, { title: "Schedules", section: "schedules", body });
}

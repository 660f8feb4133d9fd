/**
 * The page of one job: its state and timings, its arguments, its result or
 * the error of every failed attempt with its stack.
 *
 * @module
 */

import type { JobError, JobInfo } from "../core/job.ts";
import { isFinished } from "../core/job.ts";
import { formatDuration, formatJson, formatJsonShort, formatTime } from "./format.ts";
import { type Html, markup } from "./html.ts";
import { href, layout, type PageContext, stateBadge } from "./layout.ts";

/** What the job page shows. */
export interface JobView {
  /** The job as the store has it. */
  info: JobInfo;
  /** The actions offered (forms), already filtered for read-only. */
  actions: Html[];
}

/** The progress its actor reported last, when the store keeps it. */
export function progressOf(info: JobInfo): unknown {
  return (info as { progress?: unknown }).progress;
}

/** A stamp of what the live script watches: the page reloads when it changes. */
export function jobStamp(info: JobInfo): string {
  return `${info.status}/${info.attempts}/${info.deliveries}/${
    formatJsonShort(progressOf(info), 200)
  }`;
}

/** A progress value: a number as a bar (0–1 as a fraction, else percent), anything else as JSON. */
function progressView(progress: unknown): Html {
  if (typeof progress === "number" && Number.isFinite(progress)) {
    const percent = Math.min(100, Math.max(0, progress <= 1 ? progress * 100 : progress));
    return markup`<progress max="100" value="${percent.toFixed(1)}"></progress> ${
      percent.toFixed(0)
    }%`;
  }
  return markup`<code>${formatJsonShort(progress, 120)}</code>`;
}

function errorBlock(error: JobError, title: string): Html {
  const stack = error.stack ? markup`<pre class="stack">${error.stack}</pre>` : "";
  return markup`<div class="attempt">
<h3>${title} <span class="err">${error.name}: ${error.message}</span></h3>${stack}</div>`;
}

function facts(ctx: PageContext, info: JobInfo): Html {
  const r = info.result;
  const started = info.startedAt ?? r?.startedAt ?? null;
  const rows: [string, unknown][] = [
    ["Queue", markup`<a href="${href(ctx, "queues", info.queue)}">${info.queue}</a>`],
    ["Actor", markup`<code>${info.actor}</code>`],
    ["Status", stateBadge(info.status)],
    ["Attempts", info.attempts],
    ["Deliveries", info.deliveries],
    ["Enqueued", formatTime(info.enqueuedAt)],
  ];
  if (info.dueAt) rows.push(["Due", formatTime(info.dueAt)]);
  const progress = progressOf(info);
  if (progress !== undefined) rows.push(["Progress", progressView(progress)]);
  if (started) rows.push(["Started", formatTime(started)]);
  if (info.workerId) rows.push(["Worker", markup`<span class="mono">${info.workerId}</span>`]);
  if (info.stalls) rows.push(["Stalls", info.stalls]);
  if (r) {
    rows.push(["Finished", formatTime(r.finishedAt)]);
    rows.push(["Waited", formatDuration((started ?? r.finishedAt) - info.enqueuedAt)]);
    if (started) rows.push(["Ran for", formatDuration(r.finishedAt - started)]);
    if (r.reason) rows.push(["Reason", markup`<code>${r.reason}</code>`]);
  }
  return markup`<dl class="facts">${rows.map(([k, v]) => markup`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function outcome(info: JobInfo): Html {
  const r = info.result;
  const errors = info.errors.length ? info.errors : r?.errors ?? [];
  if (!r) {
    return errors.length
      ? markup`<h2>Errors</h2>${errors.map((e, i) => errorBlock(e, `Attempt ${i + 1}`))}`
      : markup`<p class="muted">No result yet.</p>`;
  }
  const final = r.error && !r.success &&
      !errors.some((e) => e.message === r.error?.message && e.name === r.error?.name)
    ? errorBlock(r.error, "Final")
    : "";
  return markup`${
    r.success ? markup`<h2>Result</h2><pre class="result">${formatJson(r.value)}</pre>` : ""
  }${
    errors.length || final
      ? markup`<h2>Errors</h2>${errors.map((e, i) => errorBlock(e, `Attempt ${i + 1}`))}${final}`
      : ""
  }`;
}

/** The whole page. */
export function renderJobPage(ctx: PageContext, view: JobView): string {
  const { info, actions } = view;
  const live = !isFinished(info.status);
  const poll = href(ctx, "api", "queues", info.queue, "jobs", info.id);
  const watch = live ? markup` data-job-live="${poll}" data-job-stamp="${jobStamp(info)}"` : "";
  const args = info.args !== null
    ? markup`<h2>Arguments</h2><pre class="args">${formatJson(info.args)}</pre>`
    : "";
  const body = markup`<div${watch}>
<h1>Job <span class="mono">${info.id}</span> ${stateBadge(info.status)}</h1>
<p class="lead">${info.actor} on ${info.queue}${
    live ? markup` · <span class="live"></span>live` : ""
  }</p>
${actions.length ? markup`<div class="toolbar">${actions}</div>` : ""}
<div class="job-grid">
<div class="panel pad">${facts(ctx, info)}</div>
<div class="job-main">${args}${outcome(info)}</div>
</div>
</div>`;
  return layout(ctx, { title: `Job ${info.id}`, section: "overview", body });
}

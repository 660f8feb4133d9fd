/**
 * The page of one job: its state and timings, its arguments, its result or
 * the error of every failed attempt with its stack.
 *
 * @module
 */

import type { JobError, JobInfo } from "../core/job.ts";
import { isFinished } from "../core/job.ts";
import { formatDuration, formatJson, formatTime } from "./format.ts";
import { type Html, html } from "./html.ts";
import { href, layout, type PageContext, stateBadge } from "./layout.ts";

/** What the job page shows. */
export interface JobView {
  /** The job as the store has it. */
  info: JobInfo;
  /** The job's arguments, when the store returned them. */
  args?: unknown;
  /** The actions offered (forms), already filtered for read-only. */
  actions: Html[];
}

/** A stamp of what the live script watches: the page reloads when it changes. */
export function jobStamp(info: JobInfo): string {
  return `${info.status}/${info.attempts}/${info.deliveries}`;
}

function errorBlock(error: JobError, title: string): Html {
  return html`
    <div
      class="attempt"><h3>${title} <span class="err">${error.name}: ${error
        .message}</span></h3>${error.stack
        ? html`<pre class="stack">${error.stack}</pre>`
        : ""}</div>
  `;
}

/** The whole page. */
export function renderJobPage(ctx: PageContext, view: JobView): string {
  const { info, actions } = view;
  const r = info.result;
  const started = r?.startedAt ?? null;
  const facts: [string, unknown][] = [
    ["Queue", html`<a href="${href(ctx, "queues", info.queue)}">${info.queue}</a>`],
    ["Actor", html`<code>${info.actor}</code>`],
    ["Status", stateBadge(info.status)],
    ["Attempts", info.attempts],
    ["Deliveries", info.deliveries],
    ["Enqueued", formatTime(info.enqueuedAt)],
  ];
  if (info.dueAt) facts.push(["Due", formatTime(info.dueAt)]);
  if (started) facts.push(["Started", formatTime(started)]);
  if (r) {
    facts.push(["Finished", formatTime(r.finishedAt)]);
    if (started) facts.push(["Ran for", formatDuration(r.finishedAt - started)]);
    facts.push(["Waited", formatDuration((started ?? r.finishedAt) - info.enqueuedAt)]);
    if (r.reason) facts.push(["Reason", html`<code>${r.reason}</code>`]);
  }
  const live = !isFinished(info.status);
  const errors = r?.errors ?? [];
  const body = html`<div${
    live
      ? html`
        data-job-live="${href(
          ctx,
          "api",
          "queues",
          info.queue,
          "jobs",
          info.id,
        )}" data-job-stamp="${jobStamp(info)}"
      `
      : ""
  }>
<h1>Job <span class="mono">${info.id}</span> ${stateBadge(info.status)}</h1>
<p class="lead">${info.actor} on ${info.queue}${
    live
      ? html`
        · <span class="live"></span>live
      `
      : ""
  }</p>
${actions.length ? html`<div class="toolbar">${actions}</div>` : ""}
<div class="panel pad"><dl class="facts">${
    facts.map(([k, v]) =>
      html`
        <dt>${k}</dt>
        <dd>${v}</dd>
      `
    )
  }</dl></div>
${
    view.args !== undefined
      ? html`
        <h2>Arguments</h2>
        <pre class="args">${formatJson(view.args)}</pre>
      `
      : ""
  }
${
    r?.success
      ? html`
        <h2>Result</h2>
        <pre class="result">${formatJson(r.value)}</pre>
      `
      : ""
  }
${
    errors.length || (r?.error && !r.success)
      ? html`<h2>Errors</h2>${errors.map((e, i) => errorBlock(e, `Attempt ${i + 1}`))}${
        r?.error && !errors.some((e) => e.message === r.error?.message && e.name === r.error?.name)
          ? errorBlock(r.error, "Final")
          : ""
      }`
      : ""
  }
</div>`;
  return layout(ctx, { title: `Job ${info.id}`, section: "overview", body });
}

/**
 * The overview: every queue with its counts per state and whether it is
 * paused, the throughput of the last hour, the live workers.
 *
 * @module
 */

import type { LiveWorker } from "../producer/repid.ts";
import { QUEUE_STATES, type QueueCounts } from "../core/queue_state.ts";
import { formatCount } from "./format.ts";
import { attr, type Html, markup } from "./html.ts";
import { actionForm, href, layout, type PageContext } from "./layout.ts";
import { throughputChart, type ThroughputPoint } from "./throughput_chart.ts";
import { workersTable } from "./workers_page.ts";

/** One queue on the overview. */
export interface QueueRow {
  /** The queue's name. */
  name: string;
  /** Whether it is paused; `null` when unknown. */
  paused: boolean | null;
  /** Its jobs per state; `null` when unknown. */
  counts: Readonly<Record<string, number>> | null;
}

/** A number of `queue`'s jobs in `state` that the page's script keeps fresh. */
export function liveCount(queue: string, state: string, n: number): Html {
  return markup`<span class="count state-${state}${
    n === 0 ? " zero" : ""
  }" data-count-queue="${queue}" data-count-state="${state}">${formatCount(n)}</span>`;
}

/** The "paused" badge of a queue, hidden while it runs (the script keeps it fresh). */
export function pausedBadge(queue: string, paused: boolean | null): Html {
  return markup`<span class="badge state-paused" data-paused="${queue}"${
    attr("hidden", !paused)
  }>paused</span>`;
}

/** Pause or Resume for a queue that has jobs (nothing for one without, or read-only). */
export function pauseForm(ctx: PageContext, q: QueueRow, back?: string): Html {
  if (q.paused === null) return markup``;
  const at = (verb: string) => href(ctx, "queues", q.name, verb);
  return q.paused
    ? actionForm(ctx, at("resume"), "Resume", { kind: "primary", back })
    : actionForm(ctx, at("pause"), "Pause", { back });
}

/** The whole page. */
export function renderOverviewPage(
  ctx: PageContext,
  view: {
    queues: readonly QueueRow[];
    workers: readonly LiveWorker[];
    throughput: readonly ThroughputPoint[] | null;
  },
): string {
  const cell = (q: QueueRow, state: string) => {
    const n = q.counts?.[state];
    if (n === undefined) return markup`<td class="num muted">—</td>`;
    return markup`<td class="num">${liveCount(q.name, state, n)}</td>`;
  };
  const rows = view.queues.map((q) =>
    markup`<tr data-queue="${q.name}"><td><a href="${
      href(ctx, "queues", q.name)
    }"><strong>${q.name}</strong></a> ${pausedBadge(q.name, q.paused)}</td>${
      QUEUE_STATES.map((s) => cell(q, s))
    }${ctx.readOnly ? "" : markup`<td class="num">${pauseForm(ctx, q)}</td>`}</tr>`
  );
  const heads = QUEUE_STATES.map((s) => markup`<th class="num">${s}</th>`);
  const legend = markup`<div class="legend"><span class="state-done"><i></i>done</span>
<span class="state-failed"><i></i>failed or dead</span><span class="state-cancelled"><i></i>cancelled</span></div>`;
  const chart = view.throughput
    ? markup`${throughputChart(view.throughput)}${legend}`
    : markup`<div class="empty">No throughput figures from this store.</div>`;
  const total = (state: string) =>
    view.queues.reduce((sum, q) => sum + (q.counts?.[state as keyof QueueCounts] ?? 0), 0);
  const stat = (label: string, state: string, value: number) =>
    markup`<div class="panel stat state-${state}"><div class="label">${label}</div><div class="value count state-${state}">${
      formatCount(value)
    }</div></div>`;
  const stats = markup`<div class="grid">${stat("Waiting", "queued", total("queued"))}${
    stat("Running", "active", total("active"))
  }${stat("Failed", "failed", total("failed"))}${stat("Dead", "dead", total("dead"))}${
    stat("Workers", "done", view.workers.length)
  }</div>`;
  const body = markup`<h1>Queues</h1>
<p class="lead">${view.queues.length} queues · ${view.workers.length} live workers</p>
${stats}
<h2>By queue</h2>
<div class="panel"><table>
<thead><tr><th>Queue</th>${heads}${ctx.readOnly ? "" : markup`<th></th>`}</tr></thead>
<tbody>${rows}</tbody>
</table></div>
<h2>Throughput, last hour (jobs finished per minute)</h2>
<div class="panel chart">${chart}</div>
<h2>Workers</h2>
<div class="panel">${workersTable(ctx, view.workers)}</div>`;
  return layout(ctx, { title: "Queues", section: "overview", body });
}

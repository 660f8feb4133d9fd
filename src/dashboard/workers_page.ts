/**
 * The workers page: every live worker of the registry.
 *
 * @module
 */

import type { LiveWorker } from "../producer/repid.ts";
import { formatRelative, formatTime } from "./format.ts";
import { type Html, markup } from "./html.ts";
import { href, layout, type PageContext } from "./layout.ts";

/** The workers' table (also on the overview). */
export function workersTable(ctx: PageContext, workers: readonly LiveWorker[]): Html {
  if (workers.length === 0) return markup`<div class="empty">No worker is running.</div>`;
  const rows = workers.map((w) => {
    const queues = w.queues.map((q, i) =>
      markup`${i ? ", " : ""}<a href="${href(ctx, "queues", q)}">${q}</a>`
    );
    return markup`<tr data-worker="${w.id}">
<td class="mono"><span class="live"></span>${w.id}</td>
<td>${w.host}</td>
<td class="num">${w.pid}</td>
<td>${queues}</td>
<td class="num">${w.running} / ${w.concurrency}</td>
<td title="${formatTime(w.since)}">${formatRelative(w.since, ctx.now)}</td>
<td title="${formatTime(w.lastSeen)}">${formatRelative(w.lastSeen, ctx.now)}</td>
</tr>`;
  });
  return markup`<table>
<thead><tr><th>Worker</th><th>Host</th><th class="num">PID</th><th>Queues</th><th class="num">Running</th><th>Started</th><th>Last heartbeat</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

/** The whole page. */
export function renderWorkersPage(ctx: PageContext, workers: readonly LiveWorker[]): string {
  const body = markup`<h1>Workers</h1>
<p class="lead">${workers.length} live (each renews its registration every few seconds).</p>
<div class="panel">${workersTable(ctx, workers)}</div>`;
  return layout(ctx, { title: "Workers", section: "workers", body });
}

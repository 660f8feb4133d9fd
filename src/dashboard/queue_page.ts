/**
 * The page of one queue: its jobs by state with paging, a search by job id,
 * and the queue's actions.
 *
 * @module
 */

import type { JobInfo } from "../core/job.ts";
import { formatJsonShort, formatRelative, formatTime } from "./format.ts";
import { attr, type Html, markup } from "./html.ts";
import { href, layout, type PageContext, stateBadge, withQuery } from "./layout.ts";
import { QUEUE_STATES } from "../core/queue_state.ts";
import { liveCount, pausedBadge, type QueueRow } from "./overview_page.ts";

/** What the queue page shows. */
export interface QueueView {
  /** The queue, with its counts when known. */
  queue: QueueRow;
  /** The state listed. */
  state: string;
  /** One page of its jobs, newest first, and the cursor of the next; `null` when unknown. */
  listing: { jobs: readonly JobInfo[]; cursor?: string } | null;
  /** The queue's actions (forms), already filtered for read-only. */
  actions: Html[];
  /** A notice (e.g. "no job with id …"). */
  notice?: string;
}

/** The whole page. */
export function renderQueuePage(ctx: PageContext, view: QueueView): string {
  const { queue, state, listing } = view;
  const base = href(ctx, "queues", queue.name);
  const tabs = QUEUE_STATES.map((s) =>
    markup`<a class="state-${s}" href="${withQuery(base, { state: s })}"${
      attr("aria-current", s === state && "page")
    }>${s}${
      queue.counts
        ? markup`<span class="n">${liveCount(queue.name, s, queue.counts[s] ?? 0)}</span>`
        : ""
    }</a>`
  );
  const rows = (listing?.jobs ?? []).map((j) => {
    const job = href(ctx, "queues", queue.name, "jobs", j.id);
    const finished = j.result?.finishedAt ?? j.dueAt;
    return markup`<tr data-job="${j.id}">
<td class="mono"><a href="${job}">${j.id}</a></td>
<td><code>${j.actor}</code></td>
<td class="mono muted">${j.args === null ? "" : formatJsonShort(j.args, 60)}</td>
<td>${stateBadge(j.status)}</td>
<td class="num">${j.attempts}</td>
<td title="${formatTime(j.enqueuedAt)}">${formatRelative(j.enqueuedAt, ctx.now)}</td>
<td title="${formatTime(finished)}">${formatRelative(finished, ctx.now)}</td>
</tr>`;
  });
  const pager = listing?.cursor
    ? markup`<div class="pager"><a class="button" rel="next" href="${
      withQuery(base, { state, cursor: listing.cursor })
    }">Older →</a></div>`
    : "";
  const table = listing === null
    ? markup`<div class="empty">This store cannot list jobs yet; search by id above.</div>`
    : rows.length === 0
    ? markup`<div class="empty">No ${state} jobs.</div>`
    : markup`<table>
<thead><tr><th>Job</th><th>Actor</th><th>Arguments</th><th>Status</th><th class="num">Attempts</th><th>Enqueued</th><th>Finished / due</th></tr></thead>
<tbody>${rows}</tbody>
</table>${pager}`;
  const search = markup`<form class="inline" method="get" action="${base}">
<input type="search" name="id" placeholder="Job id" aria-label="Job id"> <button type="submit">Find</button>
</form>`;
  const body = markup`<h1>${queue.name} ${pausedBadge(queue.name, queue.paused)}</h1>
<p class="lead"><a href="${ctx.base}/">Queues</a> / ${queue.name}</p>
<div class="toolbar">${search}<span class="grow"></span>${view.actions}</div>
<nav class="tabs">${tabs}</nav>
<div class="panel">${table}</div>`;
  return layout(ctx, { title: queue.name, section: "overview", body, notice: view.notice });
}

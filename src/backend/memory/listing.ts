/**
 * The listing of the in-memory store (`Backend.listJobs`): one page of the
 * jobs in one state of a queue, newest first, as the Redis `jobs_page`
 * script reads it, step for step.
 *
 * @module
 */

import { type FinishedStatus, type JobInfo, jobInfoFromHash } from "../../core/job.ts";
import type { QueueState as State } from "../../core/queue_state.ts";
import { PAGE_SKIP_MAX } from "../../core/store_limits.ts";
import type { JobsPage, PagePosition } from "../backend.ts";
import type { MemoryContext } from "./memory_context.ts";
import { getRecord } from "./records.ts";
import type { SortedSet } from "./sorted_set.ts";
import { queuedPage } from "../queued_pages.ts";

/**
 * Up to `limit` jobs of `queue` in `state`, newest first, after `after` when
 * given; the queued ones in two parts (see `queued_pages.ts`).
 */
export function listJobs(
  ctx: MemoryContext,
  queue: string,
  state: State,
  limit: number,
  after?: PagePosition,
): JobsPage | Promise<JobsPage> {
  if (state !== "queued") return listPart(ctx, queue, state, limit, after);
  return queuedPage(
    limit,
    after,
    (part, n, pos) =>
      listPart(
        ctx,
        queue,
        state,
        n,
        pos,
        part === "waiting" ? ctx.q(queue).flow.waiting : undefined,
      ),
  );
}

/** One page of the list or set of `state` (or of `set`, a set of jobs in `state`). */
function listPart(
  ctx: MemoryContext,
  queue: string,
  state: State,
  limit: number,
  after?: PagePosition,
  set?: SortedSet,
): JobsPage {
  const q = ctx.q(queue);
  const now = ctx.store.now();
  const want = state === "active" ? "in_progress" : state;
  const jobs: JobInfo[] = [];
  let budget = limit + PAGE_SKIP_MAX;
  let last: PagePosition | undefined;
  const visit = (id: string, at: number) => {
    last = { id, at };
    budget--;
    const h = getRecord(q, id, now)?.h;
    if (h?.status === want) jobs.push(jobInfoFromHash(queue, id, h as Record<string, string>));
  };
  let more: boolean;
  if (state === "queued" && !set) {
    const list = q.ready;
    const len = list.length;
    let pos = len - 1;
    if (after) {
      const p = list.lastIndexOf(after.id);
      pos = p >= 0 ? p - 1 : len - 1 - after.at;
    }
    for (; pos >= 0 && jobs.length < limit && budget > 0; pos--) visit(list.at(pos)!, len - pos);
    more = pos >= 0;
  } else {
    const zset = set ??
      (state === "deferred"
        ? q.deferred
        : state === "active"
        ? q.active
        : q.indexes[state as FinishedStatus]);
    let rank = after ? zset.countFrom(after.at, after.id) : 0;
    for (; jobs.length < limit && budget > 0; rank++) {
      const e = zset.atRevRank(rank);
      if (!e) break;
      visit(e.member, e.score);
    }
    more = zset.atRevRank(rank) !== undefined;
  }
  return more && last ? { jobs, next: last } : { jobs };
}

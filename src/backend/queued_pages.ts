/**
 * The pages of a queue's queued jobs, in two parts (the same on every
 * store): the plain jobs of the ready list, newest first, then the
 * prioritised and grouped jobs (the `waiting` index of flow control), newest
 * first. A position in the second part has a negative `at` (`-score - 1`;
 * `{ id: "", at: -1 }`: its start), so that one cursor crosses both.
 *
 * @module
 */

import type { JobsPage, PagePosition } from "./backend.ts";

/** One page of one part (`after` in that part's own terms). */
export type PartPage = (
  part: "ready" | "waiting",
  limit: number,
  after?: PagePosition,
) => Promise<JobsPage> | JobsPage;

/** A position of the `waiting` part as a cursor position, and back. */
function toCursor(p: PagePosition): PagePosition {
  return { id: p.id, at: -p.at - 1 };
}

/**
 * Up to `limit` queued jobs after `after`, from the two parts.
 *
 * @example
 * ```ts
 * import { queuedPage } from "./queued_pages.ts";
 *
 * const page = await queuedPage(10, undefined, () => ({ jobs: [] }));
 * console.log(page); // { jobs: [] }
 * ```
 */
export async function queuedPage(
  limit: number,
  after: PagePosition | undefined,
  page: PartPage,
): Promise<JobsPage> {
  if (after && after.at < 0) {
    const p = await page("waiting", limit, after.id === "" ? undefined : toCursor(after));
    return p.next ? { jobs: p.jobs, next: toCursor(p.next) } : p;
  }
  const first = await page("ready", limit, after);
  if (first.next) return first;
  const left = limit - first.jobs.length;
  if (left <= 0) {
    const peek = await page("waiting", 1);
    return peek.jobs.length > 0 ? { jobs: first.jobs, next: { id: "", at: -1 } } : first;
  }
  const second = await page("waiting", left);
  const jobs = [...first.jobs, ...second.jobs];
  return second.next ? { jobs, next: toCursor(second.next) } : { jobs };
}

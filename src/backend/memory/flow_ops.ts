/**
 * Flow control in the in-memory store: the counterparts of the Lua fragment
 * `flow` (`src/backend/redis/scripts/includes/flow.ts`) and of the flow path
 * of the fetch script, step for step.
 *
 * @module
 */

import { PRIORITY_ZERO_BAND, waitingScore } from "../../core/flow.ts";
import type { JobFields } from "../../core/job_record.ts";
import { SortedSet } from "./sorted_set.ts";
import type { FlowState, QueueState } from "./queue_state.ts";
import { signalWork, toNumber } from "./records.ts";

/** `flow_ring`: the group takes its turn after the others (unless held back or already in turn). */
export function flowRing(f: FlowState, group: string): void {
  if (f.held.score(group) !== undefined || f.ring.score(group) !== undefined) return;
  f.ring.add(group, ++f.settings.ring);
}

/**
 * `flow_enter`: puts a waiting job into its group's set or the priority set
 * (ahead of the jobs of its priority when `head`); `false` for a plain job,
 * which the caller puts on the ready list.
 */
export function flowEnter(
  f: FlowState,
  id: string,
  group: string | undefined,
  priority: string | undefined,
  head: boolean,
  now: number,
): boolean {
  const p = toNumber(priority) ?? 0;
  if (!group && p === 0) return false;
  f.waiting.add(id, now);
  const score = waitingScore(p, ++f.settings.seq, head);
  if (group) {
    let set = f.groupJobs.get(group);
    if (!set) f.groupJobs.set(group, set = new SortedSet());
    if (set.score(id) === undefined) f.settings.groupWaiting++;
    set.add(id, score);
    flowRing(f, group);
  } else {
    f.prio.add(id, score);
  }
  return true;
}

/** `flow_queue`: a stored job back to waiting (the ready list included); returns its group. */
export function flowQueue(
  q: QueueState,
  h: JobFields,
  id: string,
  head: boolean,
  now: number,
): string | undefined {
  if (!flowEnter(q.flow, id, h.group, h.priority, head, now)) {
    if (head) q.ready.pushFront(id);
    else q.ready.pushBack(id);
  }
  return h.group;
}

/** `flow_unqueue`: takes a queued job out of the set or list it waits in. */
export function flowUnqueue(q: QueueState, h: JobFields, id: string): void {
  const f = q.flow;
  f.waiting.remove(id);
  if (h.group) {
    const set = f.groupJobs.get(h.group);
    if (set?.remove(id)) {
      f.settings.groupWaiting--;
      if (set.size === 0) f.groupJobs.delete(h.group);
    }
  } else if ((toNumber(h.priority) ?? 0) !== 0) {
    f.prio.remove(id);
  } else {
    q.ready.remove(id);
  }
}

/** `flow_free`: a running job of `group` gave its slot back. */
export function flowFree(q: QueueState, group: string | undefined): void {
  if (!group) return;
  const f = q.flow;
  const left = (f.running.get(group) ?? 0) - 1;
  if (left <= 0) f.running.delete(group);
  else f.running.set(group, left);
  if (f.groupJobs.has(group)) {
    flowRing(f, group);
    signalWork(q);
  }
}

/** The next ungrouped waiting job: priority above 0, then the ready list, then below 0. */
export function nextUngrouped(q: QueueState): string | undefined {
  const top = q.flow.prio.first();
  if (top && top.score < PRIORITY_ZERO_BAND) {
    q.flow.prio.remove(top.member);
    q.flow.waiting.remove(top.member);
    return top.member;
  }
  const id = q.ready.popFront();
  if (id !== undefined) return id;
  if (top) {
    q.flow.prio.remove(top.member);
    q.flow.waiting.remove(top.member);
    return top.member;
  }
  return undefined;
}

/**
 * The next job of the group whose turn it is, and the group; a group at its
 * concurrency leaves the turns (until `flowFree`), one past its rate is held
 * back until its next slot.
 */
export function nextGrouped(
  q: QueueState,
  now: number,
  concurrency: number,
): { id: string; group: string } | undefined {
  const f = q.flow;
  const { groupRateMax, groupRatePerMs } = f.settings;
  while (true) {
    const top = f.ring.first();
    if (!top) return undefined;
    const g = top.member;
    f.ring.remove(g);
    const running = f.running.get(g) ?? 0;
    if (concurrency !== 0 && running >= concurrency) continue;
    if (groupRateMax !== undefined && groupRatePerMs !== undefined) {
      const starts = f.groupStarts.get(g);
      starts?.removeTo(now - groupRatePerMs);
      if (starts && starts.size >= groupRateMax) {
        f.held.add(g, starts.first()!.score + groupRatePerMs);
        continue;
      }
    }
    const set = f.groupJobs.get(g);
    const job = set?.first();
    if (!set || !job) continue;
    set.remove(job.member);
    f.waiting.remove(job.member);
    if (set.size === 0) f.groupJobs.delete(g);
    f.settings.groupWaiting--;
    return { id: job.member, group: g };
  }
}

/**
 * The flow part of `purge` of queued jobs: takes the prioritised jobs, then
 * those of each group with waiting jobs (in turn, held back or at their
 * limit), into `ids` until it holds `max`.
 */
export function purgeFlow(q: QueueState, ids: string[], max: number): void {
  const f = q.flow;
  const takeSet = (set: SortedSet): number => {
    let n = 0;
    while (ids.length < max) {
      const e = set.first();
      if (!e) break;
      set.remove(e.member);
      ids.push(e.member);
      n++;
    }
    return n;
  };
  takeSet(f.prio);
  const groups = [...f.ring, ...f.held, ...f.running.keys()];
  for (const g of groups) {
    if (ids.length >= max) break;
    const set = f.groupJobs.get(g);
    if (!set) continue;
    f.settings.groupWaiting -= takeSet(set);
    if (set.size === 0) f.groupJobs.delete(g);
  }
  for (const id of ids) {
    f.expiring.remove(id);
    f.waiting.remove(id);
  }
}

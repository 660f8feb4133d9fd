/**
 * The schedule operations of the in-memory store: the same transitions as
 * the schedule scripts (`src/backend/redis/scripts/schedule_*.ts`).
 *
 * @module
 */

import type { AdvanceOutcome, ScheduleUpsertResult } from "../schedule_backend.ts";
import {
  type NewSchedule,
  type ScheduleInfo,
  scheduleInfoFromFields,
  type ScheduleStatus,
} from "../../core/schedule.ts";
import { parseJsonOr } from "../../core/job.ts";
import { formatMessage, MESSAGE } from "../../core/store_errors.ts";
import { SCHEDULE_RUNS_KEPT } from "../../core/store_limits.ts";
import { StoreRefusedError } from "../../errors.ts";
import { SortedSet } from "./sorted_set.ts";

import type { MemoryContext } from "./memory_context.ts";
import type { Hash, QueueState } from "./queue_state.ts";
import { getRecord, newJobFields, signalWork } from "./records.ts";
import { flowUnqueue } from "./flow_ops.ts";

export function upsertSchedule(ctx: MemoryContext, s: NewSchedule): Promise<ScheduleUpsertResult> {
  const q = ctx.q(s.queue);
  const now = ctx.store.now();
  const sid = s.id;
  const firstAt = String(s.firstAt);
  const rule = s.rule;
  let h = q.scheduleRecords.get(sid);
  const setDefinition = (h: Hash) => {
    Object.assign(h, {
      actor: s.actor,
      args: s.argsJson,
      opts: s.optionsJson,
      catchup: s.catchUp ? "1" : "0",
      def: s.definitionKey,
    });
  };
  const setRule = (h: Hash) => {
    Object.assign(h, {
      every: rule.kind === "every" ? String(rule.everyMs) : "",
      anchor: rule.kind === "every" ? String(rule.anchor) : "",
      cron: rule.kind === "cron" ? rule.cron : "",
      tz: rule.kind === "cron" ? rule.tz : "",
      rule: s.ruleKey,
      next: firstAt,
    });
    q.schedules.add(sid, s.firstAt);
  };
  let result: ScheduleUpsertResult;
  if (!h) {
    h = {};
    setDefinition(h);
    setRule(h);
    h.status = "active";
    h.created = String(s.now);
    q.scheduleRecords.set(sid, h);
    createOccurrence(q, sid, firstAt, s.actor, s.argsJson, s.optionsJson, now);
    result = { outcome: "created", status: "active", nextRunAt: s.firstAt };
  } else {
    const status = h.status as ScheduleStatus;
    let nextAt: string | undefined = h.next;
    let outcome: ScheduleUpsertResult["outcome"] = "kept";
    if (h.def !== s.definitionKey) {
      outcome = "updated";
      const oldRule = h.rule;
      setDefinition(h);
      if (oldRule !== s.ruleKey) {
        removePending(q, sid, nextAt, now);
        setRule(h);
        nextAt = firstAt;
      } else if (nextAt !== undefined) {
        const occ = getRecord(q, `${sid}@${nextAt}`, now)?.h;
        if (occ && (occ.status === "deferred" || occ.status === "queued")) {
          occ.actor = s.actor;
          occ.args = s.argsJson;
          occ.opts = occurrenceOptions(s.optionsJson, sid, nextAt);
        }
      }
    }
    if (status === "active" && nextAt !== undefined) {
      createOccurrence(q, sid, nextAt, s.actor, s.argsJson, s.optionsJson, now);
    }
    result = { outcome, status, nextRunAt: Number(nextAt ?? firstAt) };
  }
  ctx.store.changed();
  return Promise.resolve(result);
}

export function getSchedule(
  ctx: MemoryContext,
  queue: string,
  id: string,
): Promise<ScheduleInfo | null> {
  const h = ctx.q(queue).scheduleRecords.get(id);
  return Promise.resolve(h ? scheduleInfoFromFields(queue, id, h) : null);
}

export function listSchedules(ctx: MemoryContext, queue: string): Promise<ScheduleInfo[]> {
  const q = ctx.q(queue);
  const out: ScheduleInfo[] = [];
  for (const id of [...q.schedules]) {
    const h = q.scheduleRecords.get(id);
    if (h) out.push(scheduleInfoFromFields(queue, id, h));
    else q.schedules.remove(id);
  }
  return Promise.resolve(out);
}

export function advanceSchedule(
  ctx: MemoryContext,
  queue: string,
  id: string,
  at: number,
  nextAt: number,
): Promise<AdvanceOutcome> {
  const q = ctx.q(queue);
  const h = q.scheduleRecords.get(id);
  if (!h) return Promise.resolve("gone");
  let runs = q.scheduleRuns.get(id);
  if (!runs) {
    runs = new SortedSet();
    q.scheduleRuns.set(id, runs);
  }
  runs.add(`${id}@${at}`, at);
  while (runs.size > SCHEDULE_RUNS_KEPT) runs.remove(runs.first()!.member);
  if (!h.last || Number(h.last) < at) h.last = String(at);
  if (Number(h.next) !== at) return Promise.resolve("stale");
  if (h.status !== "active") return Promise.resolve("paused");
  if (nextAt <= at) {
    return Promise.reject(
      new StoreRefusedError(
        `advance schedule "${id}"`,
        new Error(formatMessage(MESSAGE.nextNotAfter, { next: nextAt, at })),
      ),
    );
  }
  h.next = String(nextAt);
  q.schedules.add(id, nextAt);
  createOccurrence(q, id, h.next, h.actor, h.args, h.opts, ctx.store.now());
  ctx.store.changed();
  return Promise.resolve("advanced");
}

export function pauseSchedule(ctx: MemoryContext, queue: string, id: string): Promise<boolean> {
  const q = ctx.q(queue);
  const h = q.scheduleRecords.get(id);
  if (!h) return Promise.resolve(false);
  if (h.status === "paused") return Promise.resolve(true);
  h.status = "paused";
  removePending(q, id, h.next, ctx.store.now());
  ctx.store.changed();
  return Promise.resolve(true);
}

export function resumeSchedule(
  ctx: MemoryContext,
  queue: string,
  id: string,
  nextAt: number,
): Promise<"resumed" | "active" | "gone"> {
  const q = ctx.q(queue);
  const h = q.scheduleRecords.get(id);
  if (!h) return Promise.resolve("gone");
  if (h.status === "active") return Promise.resolve("active");
  h.status = "active";
  h.next = String(nextAt);
  q.schedules.add(id, nextAt);
  createOccurrence(q, id, h.next, h.actor, h.args, h.opts, ctx.store.now());
  ctx.store.changed();
  return Promise.resolve("resumed");
}

export function cancelSchedule(ctx: MemoryContext, queue: string, id: string): Promise<boolean> {
  const q = ctx.q(queue);
  const h = q.scheduleRecords.get(id);
  q.schedules.remove(id);
  if (!h) return Promise.resolve(false);
  removePending(q, id, h.next, ctx.store.now());
  q.scheduleRecords.delete(id);
  q.scheduleRuns.delete(id);
  ctx.store.changed();
  return Promise.resolve(true);
}

export function scheduleRuns(
  ctx: MemoryContext,
  queue: string,
  id: string,
  limit: number,
): Promise<string[]> {
  const runs = ctx.q(queue).scheduleRuns.get(id);
  if (!runs || limit <= 0) return Promise.resolve([]);
  return Promise.resolve([...runs].reverse().slice(0, limit));
}

/** `create_occurrence`: the deferred job `<sid>@<at>`, unless a job with that id exists. */
export function createOccurrence(
  q: QueueState,
  sid: string,
  at: string,
  actor: string,
  args: string,
  opts: string | undefined,
  now: number,
): boolean {
  const id = `${sid}@${at}`;
  if (getRecord(q, id, now)) return false;
  const options = occurrenceOptions(opts, sid, at);
  const h = newJobFields(actor, args, "deferred", now, Number(at), options);
  q.jobs.set(id, { h });
  if (h.expires !== undefined) q.flow.expiring.add(id, Number(h.expires));
  q.deferred.add(id, Number(at));
  signalWork(q);
  return true;
}

/** `remove_pending`: deletes the occurrence `<sid>@<at>` unless it has started. */
export function removePending(
  q: QueueState,
  sid: string,
  at: string | undefined,
  now: number,
): void {
  if (at === undefined) return;
  const id = `${sid}@${at}`;
  const h = getRecord(q, id, now)?.h;
  const st = h?.status;
  if (h && (st === "deferred" || st === "queued")) {
    q.deferred.remove(id);
    q.flow.expiring.remove(id);
    if (st === "queued") flowUnqueue(q, h, id);
    q.jobs.delete(id);
  }
}

/**
 * `occurrence_opts`: the options JSON of an occurrence, the schedule's
 * options plus `schedule: {id, at}`; text that is not a JSON object counts
 * as `{}`, as in the script.
 */
function occurrenceOptions(opts: string | undefined, sid: string, at: string): string {
  const v: unknown = opts ? parseJsonOr(opts, null) : null;
  const base = v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
  return JSON.stringify({ ...base, schedule: { id: sid, at: Number(at) } });
}

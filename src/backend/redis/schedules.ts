/**
 * The schedule part of the Redis backend: thin calls of the schedule scripts
 * (src/backend/redis/scripts/schedule_*.ts). `RedisBackend` delegates to it.
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import {
  type NewSchedule,
  type ScheduleInfo,
  scheduleInfoFromFields,
  type ScheduleOutcome,
  type ScheduleStatus,
} from "../../core/schedule.ts";
import type { AdvanceOutcome, ScheduleBackend, ScheduleUpsertResult } from "../schedule_backend.ts";
import type { QueueKeys } from "./keys.ts";
import { SCHEDULE_RUNS_KEPT } from "../../core/store_limits.ts";
import { storeCall } from "./redis_errors.ts";

/** Runs a script by name; it rejects with Repid's store errors, naming `action`. */
export type ScriptRunner = (
  action: string,
  name: string,
  ...args: (string | number | (string | number)[])[]
) => Promise<unknown>;

/** `TIME`, run where KEYS[1] lives (the key is only declared, never touched). */
const TIME_LUA = "return redis.call('TIME')";

/** Schedule storage on one Redis client. */
export class RedisSchedules implements ScheduleBackend {
  readonly #client: AnyRedis;
  readonly #keys: (queue: string) => QueueKeys;
  readonly #run: ScriptRunner;

  /**
   * @param client A client with the scripts defined on it.
   * @param keys The keys of a queue.
   * @param run Runs one of the scripts (errors in Repid's terms).
   */
  constructor(client: AnyRedis, keys: (queue: string) => QueueKeys, run: ScriptRunner) {
    this.#client = client;
    this.#keys = keys;
    this.#run = run;
  }

  /**
   * Redis `TIME`; with `queue`, asked of the node that serves the queue's
   * keys (one declared key routes the call to its master on a Redis
   * Cluster), so that a schedule's times and its scripts share one clock.
   */
  async time(queue?: string): Promise<number> {
    const clock = (): Promise<unknown> =>
      queue === undefined
        ? this.#client.time()
        : this.#client.eval(TIME_LUA, 1, this.#keys(queue).schedules);
    const [s, us] = await storeCall("read the store's clock", clock) as [string, string];
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  async upsertSchedule(s: NewSchedule): Promise<ScheduleUpsertResult> {
    const k = this.#keys(s.queue);
    const [outcome, status, next] = await this.#run(
      "register recurring job",
      "repidScheduleUpsert",
      k.schedulePrefix + s.id,
      k.schedules,
      k.deferred,
      k.ready,
      k.signal,
      k.jobPrefix,
      s.id,
      s.actor,
      s.argsJson,
      s.optionsJson,
      s.rule.kind === "every" ? String(s.rule.everyMs) : "",
      s.rule.kind === "every" ? String(s.rule.anchor) : "",
      s.rule.kind === "cron" ? s.rule.cron : "",
      s.rule.kind === "cron" ? s.rule.tz : "",
      s.catchUp ? "1" : "0",
      s.ruleKey,
      s.definitionKey,
      String(s.now),
      String(s.firstAt),
    ) as [ScheduleOutcome, ScheduleStatus, string];
    return { outcome, status, nextRunAt: Number(next) };
  }

  async getSchedule(queue: string, id: string): Promise<ScheduleInfo | null> {
    const h = await storeCall(
      `read schedule "${id}"`,
      () => this.#client.hgetall(this.#keys(queue).schedulePrefix + id),
    );
    if (!h.status) return null;
    return scheduleInfoFromFields(queue, id, h);
  }

  async listSchedules(queue: string): Promise<ScheduleInfo[]> {
    const k = this.#keys(queue);
    const out = await this.#run(
      "list schedules",
      "repidScheduleList",
      k.schedules,
      k.schedulePrefix,
    ) as (
      | string
      | string[]
    )[];
    const list: ScheduleInfo[] = [];
    for (let i = 0; i < out.length; i += 2) {
      const flat = out[i + 1] as string[];
      const h: Record<string, string> = {};
      for (let j = 0; j < flat.length; j += 2) h[flat[j]] = flat[j + 1];
      list.push(scheduleInfoFromFields(queue, String(out[i]), h));
    }
    return list;
  }

  async advanceSchedule(
    queue: string,
    id: string,
    at: number,
    nextAt: number,
  ): Promise<AdvanceOutcome> {
    const k = this.#keys(queue);
    return await this.#run(
      `advance schedule "${id}"`,
      "repidScheduleNext",
      k.schedulePrefix + id,
      k.schedules,
      k.deferred,
      k.signal,
      k.scheduleRunsPrefix + id,
      k.jobPrefix,
      id,
      String(at),
      String(nextAt),
      SCHEDULE_RUNS_KEPT,
    ) as AdvanceOutcome;
  }

  async pauseSchedule(queue: string, id: string): Promise<boolean> {
    const k = this.#keys(queue);
    const ok = await this.#run(
      `pause schedule "${id}"`,
      "repidSchedulePause",
      k.schedulePrefix + id,
      k.deferred,
      k.ready,
      k.jobPrefix,
      id,
    );
    return ok === 1;
  }

  async resumeSchedule(
    queue: string,
    id: string,
    nextAt: number,
  ): Promise<"resumed" | "active" | "gone"> {
    const k = this.#keys(queue);
    return await this.#run(
      `resume schedule "${id}"`,
      "repidScheduleResume",
      k.schedulePrefix + id,
      k.schedules,
      k.deferred,
      k.signal,
      k.jobPrefix,
      id,
      String(nextAt),
    ) as "resumed" | "active" | "gone";
  }

  async cancelSchedule(queue: string, id: string): Promise<boolean> {
    const k = this.#keys(queue);
    const ok = await this.#run(
      `cancel schedule "${id}"`,
      "repidScheduleCancel",
      k.schedulePrefix + id,
      k.schedules,
      k.deferred,
      k.ready,
      k.scheduleRunsPrefix + id,
      k.jobPrefix,
      id,
    );
    return ok === 1;
  }

  scheduleRuns(queue: string, id: string, limit: number): Promise<string[]> {
    return storeCall(
      `read the runs of schedule "${id}"`,
      () => this.#client.zrevrange(this.#keys(queue).scheduleRunsPrefix + id, 0, limit - 1),
    );
  }
}

/**
 * Recurring jobs on the producer side: registering a schedule
 * (`enqueueJob(…, { deferBy })` or `{ cron }`) and the {@linkcode Schedule}
 * handle that reads, pauses, resumes and cancels it.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { JobResult, NewJob } from "../core/job.ts";
import {
  assertScheduleIdLength,
  canonicalJson,
  derivedScheduleId,
  firstOccurrence,
  nextOccurrence,
  occurrenceId,
  parseScheduleSpec,
  ruleKey,
  ruleOf,
  type ScheduleInfo,
  type ScheduleOutcome,
  type ScheduleSpec,
} from "../core/schedule.ts";
import { wrapStoreError } from "../backend/store_error.ts";
import type { EnqueueOptions } from "./enqueue_options.ts";
import type { Job, JobHandles } from "./job.ts";

/**
 * The settings that make `enqueueJob` register a recurring job (give
 * `deferBy` or `cron`). It then returns a {@linkcode Schedule} instead of a
 * `Job`. The schedule's id is the `jobId` when one is given, else it is
 * derived from the queue, the actor and the arguments, so registering the
 * same job at every start-up, from any number of processes, keeps one
 * schedule.
 */
export interface RecurringSettings {
  /**
   * Run the job every `deferBy` milliseconds (at least 1000; see `days()`,
   * `hours()`, `minutes()`, `seconds()`), at a fixed rate: the first run is
   * one period after registration (or at `deferUntil`), and each later one a
   * whole number of periods after the first, however long runs take.
   */
  deferBy?: number;
  /**
   * Run the job at the times a cron pattern matches: 5 fields (minute hour
   * day-of-month month day-of-week) or 6 with seconds first, as parsed by
   * the `croner` package, read in `tz`.
   */
  cron?: string;
  /**
   * The IANA time zone a `cron` pattern is read in (`"Europe/Berlin"`);
   * daylight saving time is followed.
   * @default {"UTC"}
   */
  tz?: string;
  /**
   * Occurrences missed while no worker ran are skipped by default: the next
   * one after the current time is scheduled. With `catchUp`, each missed one
   * runs, one after another, until the schedule is on time again.
   * @default {false}
   */
  catchUp?: boolean;
}

/** Registers a schedule for `job` (validated by `newJob`) and returns its handle. */
export async function registerSchedule<T>(
  handles: JobHandles,
  job: NewJob,
  options: RecurringSettings & { deferUntil?: unknown },
): Promise<Schedule<T>> {
  const { backend } = handles;
  const action = "Cannot enqueue job";
  const spec = parseScheduleSpec(options, action) as ScheduleSpec;
  if (job.options?.expiresAt !== undefined || job.options?.expiresInMs !== undefined) {
    throw new TypeError(
      `${action}: a recurring job takes no expiresAt or expiresInMs (its priority and group apply to each occurrence)`,
    );
  }
  const id = job.customId
    ? assertScheduleIdLength(job.id, action)
    : await derivedScheduleId(job.queue, job.actor, JSON.parse(job.argsJson));
  const optionsJson = JSON.stringify(job.options ?? {});
  const catchUp = options.catchUp ?? false;
  const rk = ruleKey(spec);
  const definitionKey = canonicalJson({
    actor: job.actor,
    args: JSON.parse(job.argsJson),
    options: job.options ?? {},
    rule: rk,
    catchUp,
  });
  try {
    const now = await backend.time(job.queue);
    const first = firstOccurrence(
      spec,
      now,
      options.deferUntil === undefined ? undefined : job.dueAt,
    );
    if (!first) {
      throw new TypeError(
        `${action}: cron ${JSON.stringify(options.cron)} never matches after deferUntil`,
      );
    }
    const result = await backend.upsertSchedule({
      id,
      queue: job.queue,
      actor: job.actor,
      argsJson: job.argsJson,
      optionsJson,
      rule: first.rule,
      catchUp,
      ruleKey: rk,
      definitionKey,
      now,
      firstAt: first.at,
    });
    return new Schedule<T>(
      { id, queue: job.queue, actor: job.actor, outcome: result.outcome },
      handles,
    );
  } catch (error) {
    throw wrapStoreError("register recurring job", error);
  }
}

/**
 * A handle on a recurring job. Each occurrence is an ordinary job with the
 * id `<schedule id>@<due time in epoch ms>` and its own stored result; a
 * failing occurrence follows the actor's retry policy and never stops the
 * schedule.
 *
 * @example
 * ```ts
 * import { days, Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
 * console.log(schedule.id, new Date((await schedule.nextRunAt())!));
 * const daily = await producer.enqueueJob("report", { cron: "0 9 * * *", tz: "Europe/Berlin" });
 * await daily.pause();
 * await Promise.all([schedule.cancel(), daily.cancel()]);
 * await producer.close();
 * ```
 */
export class Schedule<T = unknown> {
  /** The schedule's id (the `jobId`, or derived from queue, actor and arguments). */
  readonly id: string;
  /** The queue its occurrences run on. */
  readonly queue: string;
  /** The actor its occurrences run. */
  readonly actor: string;
  /**
   * What the registration did: `created`, `updated` (an existing schedule
   * got another period, pattern, arguments or options) or `kept` (the same
   * schedule was registered before).
   */
  readonly outcome: ScheduleOutcome;
  readonly #backend: Backend;
  readonly #handles: JobHandles;

  /** @ignore */
  constructor(
    fields: { id: string; queue: string; actor: string; outcome: ScheduleOutcome },
    handles: JobHandles,
  ) {
    this.id = fields.id;
    this.queue = fields.queue;
    this.actor = fields.actor;
    this.outcome = fields.outcome;
    this.#backend = handles.backend;
    this.#handles = handles;
  }

  /**
   * Reads the schedule, or `null` once it was cancelled.
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * const info = await schedule.info();
   * console.log(info?.status, info?.nextRunAt, info?.lastRunAt); // active … null
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  info(): Promise<ScheduleInfo | null> {
    return this.#backend.getSchedule(this.queue, this.id);
  }

  /**
   * When the next occurrence is due (UTC epoch ms), or `null` while paused
   * or once cancelled.
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * const at = await schedule.nextRunAt();
   * if (at !== null) console.log(new Date(at).toISOString());
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  async nextRunAt(): Promise<number | null> {
    return (await this.info())?.nextRunAt ?? null;
  }

  /**
   * A handle on the occurrence due at `at` (epoch ms), whether or not it
   * exists (its `info()` is then `null`).
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * const at = (await schedule.nextRunAt())!;
   * const job = schedule.occurrence(at);
   * console.log(await job.getResult()); // null until it has run
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  occurrence(at: number): Job<T> {
    return this.#handles.job<T>(this.queue, occurrenceId(this.id, at), this.actor);
  }

  /**
   * A handle on the pending occurrence, whose result can be awaited; `null`
   * while paused or once cancelled.
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * const next = await schedule.nextJob();
   * if (next) console.log(next.id, await next.status()); // good_morning…@… deferred
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  async nextJob(): Promise<Job<T> | null> {
    const at = await this.nextRunAt();
    return at === null ? null : this.occurrence(at);
  }

  /**
   * The result of the latest finished occurrence (the one due latest among
   * the recent ones that finished), or `null` when none finished yet (or
   * their results expired).
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * const result = await schedule.latestResult();
   * console.log(result?.success, result?.value); // undefined undefined: none has run yet
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  async latestResult(): Promise<JobResult<T> | null> {
    const ids = await this.#backend.scheduleRuns(this.queue, this.id, 20);
    for (const id of ids) {
      const info = await this.#backend.getJob(this.queue, id);
      if (info?.result) return info.result as JobResult<T>;
    }
    return null;
  }

  /**
   * Pauses the schedule: the pending occurrence is removed unless it has
   * started (a started one finishes), and no occurrence is created until
   * {@linkcode Schedule.resume}. Registering the schedule again keeps it
   * paused. Resolves `false` when the schedule no longer exists.
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * await schedule.pause();
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  pause(): Promise<boolean> {
    return this.#backend.pauseSchedule(this.queue, this.id);
  }

  /**
   * Resumes a paused schedule with the first occurrence after the current
   * time (occurrences that fell while paused are not run, even with
   * `catchUp`). Resolves `false` when the schedule no longer exists, `true`
   * otherwise (also when it was not paused).
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * await schedule.pause();
   * await schedule.resume();
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  async resume(): Promise<boolean> {
    const info = await this.info();
    if (!info) return false;
    if (info.status === "active") return true;
    const now = await this.#backend.time(this.queue);
    const nextAt = nextOccurrence(ruleOf(info), now);
    if (nextAt === null) return false;
    return (await this.#backend.resumeSchedule(this.queue, this.id, nextAt)) !== "gone";
  }

  /**
   * Removes the schedule and its pending occurrence unless it has started (a
   * started one finishes; finished ones keep their results until they
   * expire). Resolves `false` when it did not exist.
   *
   * @example
   * ```ts
   * import { days, Repid } from "@repid/repid";
   *
   * const producer = new Repid("memory://");
   * const schedule = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * await schedule.cancel();
   * await producer.close();
   * ```
   */
  cancel(): Promise<boolean> {
    return this.#backend.cancelSchedule(this.queue, this.id);
  }
}

/**
 * Options of `enqueueJob` for a recurring job: the usual job options plus
 * `deferBy` or `cron` (and `tz`, `catchUp`). With `deferUntil`, the first
 * occurrence waits for it: a fixed-rate schedule runs first at `deferUntil`
 * and every period after it; a cron schedule runs first at the first match
 * at or after it.
 */
export type RecurringOptions<Args extends unknown[] = unknown[]> =
  & EnqueueOptions<Args>
  & RecurringSettings
  & ({ deferBy: number; cron?: undefined } | { cron: string; deferBy?: undefined });

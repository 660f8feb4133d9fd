/**
 * The producer: enqueues jobs by actor name and hands back {@linkcode Job}
 * handles whose results can be awaited.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import { openBackend } from "../backend/open_backend.ts";
import type { JobInfo, JobOptions, JobResult, JobStatus, NewJob } from "../core/job.ts";
import { toJson } from "../core/json.ts";
import { assertJobId, assertName, assertPrefix, describe } from "../core/names.ts";
import { assertDuration, toEpochMs } from "../core/time.ts";
import { ConnectionError } from "../errors.ts";
import {
  type ActorDefinition,
  type ActorFunction,
  type ActorMap,
  type ArgsOf,
  isActorDefinition,
  type ResultOf,
} from "../worker/actor.ts";
import { EnqueueBatcher } from "./enqueue_batcher.ts";
import { ResultWaiter, type WaitOptions } from "./result_waiter.ts";
import type { ScheduleInfo } from "../core/schedule.ts";
import {
  type RecurringOptions,
  type RecurringSettings,
  registerSchedule,
  Schedule,
} from "./schedule.ts";

export type { WaitOptions };

/** Options of a {@linkcode Repid} producer. */
export interface RepidOptions {
  /**
   * The first part of every Redis key; workers must use the same.
   * @default {"repid"}
   */
  prefix?: string;
  /**
   * While waiting for results, how often unfinished jobs are read again as a
   * safety net besides the notifications, in milliseconds (at least 100).
   * @default {5000}
   */
  recheckMs?: number;
  /** The store; overrides the `redis` argument (for example an in-memory backend). */
  backend?: Backend;
}

/** Settings of one job, besides its arguments. */
export interface JobSettings {
  /**
   * The queue to put the job on.
   * @default {"default", or the actor definition's queue}
   */
  queue?: string;
  /**
   * Do not start the job before this time (`Date` or UTC epoch ms). A past
   * time runs it now.
   */
  deferUntil?: Date | number;
  /**
   * A custom id. While a job with this id is unfinished, enqueueing it again
   * returns that job instead of adding another; a finished one is replaced.
   * @default {a random UUID}
   */
  jobId?: string;
  /**
   * How long to keep this job's result, in milliseconds.
   * @default {the actor's resultTtlMs, else the worker's (one day)}
   */
  resultTtlMs?: number;
  /**
   * Stop this job's run after this many milliseconds.
   * @default {the actor's timeoutMs, else no limit}
   */
  timeoutMs?: number;
}

/**
 * Options of {@linkcode Repid.enqueueJob}: the arguments (required when the
 * actor's type has required parameters) and the job's settings.
 */
export type EnqueueOptions<Args extends unknown[] = unknown[]> =
  & JobSettings
  & ([] extends Args ? {
      /**
       * The actor's arguments, as JSON values.
       * @default {[]}
       */
      args?: Args;
    }
    : {
      /** The actor's arguments, as JSON values. */
      args: Args;
    });

/** The options argument of `enqueueJob`: optional only when the actor needs no arguments. */
export type EnqueueArgs<Args extends unknown[]> = [] extends Args ? [options?: EnqueueOptions<Args>]
  : [options: EnqueueOptions<Args>];

/** The actor map of an untyped producer: any name, any arguments. */
export type AnyActors = Record<string, ActorFunction>;

/**
 * One job of {@linkcode Repid.enqueueJobs}: the actor (a name or a
 * definition) and the same options as `enqueueJob` (arguments and
 * settings). With a typed producer, the name and arguments are checked.
 *
 * @example
 * ```ts ignore
 * const items: BulkJob[] = [{ actor: "string_length", args: ["hello"] }];
 * await producer.enqueueJobs(items);
 * ```
 */
export type BulkJob<A extends ActorMap = AnyActors> =
  & (
    | {
      [K in keyof A & string]: { actor: K } & EnqueueOptions<ArgsOf<A[K]>>;
    }[keyof A & string]
    | ({ actor: ActorDefinition } & EnqueueOptions)
  )
  & { deferBy?: never; cron?: never; tz?: never; catchUp?: never };

/**
 * The result type of the jobs of one {@linkcode BulkJob} type.
 *
 * @example
 * ```ts ignore
 * const jobs = await producer.enqueueJobs([{ actor: "string_length", args: ["hi"] }]);
 * const value = (await jobs[0].result).value; // BulkResultOf<typeof actors, …>: number
 * ```
 */
export type BulkResultOf<A extends ActorMap, T> = T extends { actor: infer K }
  ? K extends ActorDefinition ? ResultOf<K> : K extends keyof A ? ResultOf<A[K]> : unknown
  : unknown;

/**
 * A handle on an enqueued job.
 *
 * @example
 * ```ts ignore
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * const result = await job.result; // waits until the job has finished
 * console.log(result.success, result.value);
 * ```
 */
export class Job<T = unknown> {
  /** The job's id. */
  readonly id: string;
  /** The job's queue. */
  readonly queue: string;
  /** The actor's name. */
  readonly actor: string;
  /** `false` when an unfinished job with this custom id already existed. */
  readonly created: boolean;
  /**
   * When the job was enqueued (epoch ms, store clock), or 0 when unknown. A
   * wait on this handle ignores results of an earlier job that had the same
   * custom id.
   */
  readonly enqueuedAt: number;
  readonly #waiter: ResultWaiter;
  readonly #backend: Backend;

  /** @ignore */
  constructor(
    fields: { id: string; queue: string; actor: string; created: boolean; enqueuedAt?: number },
    backend: Backend,
    waiter: ResultWaiter,
  ) {
    this.id = fields.id;
    this.queue = fields.queue;
    this.actor = fields.actor;
    this.created = fields.created;
    this.enqueuedAt = fields.enqueuedAt ?? 0;
    this.#backend = backend;
    this.#waiter = waiter;
  }

  /** Waits until the job has finished and resolves with its result. */
  get result(): Promise<JobResult<T>> {
    return this.waitResult();
  }

  /**
   * Waits until the job has finished; rejects with `ResultTimeoutError`
   * after `timeoutMs`, with the signal's reason when `signal` aborts, and
   * with `JobNotFoundError` when the id is unknown.
   *
   * @example
   * ```ts ignore
   * const result = await job.waitResult({ timeoutMs: 10_000 });
   * ```
   */
  waitResult(options: WaitOptions = {}): Promise<JobResult<T>> {
    if (options.timeoutMs !== undefined) {
      assertDuration(options.timeoutMs, "timeoutMs", "Cannot wait for result");
    }
    return this.#waiter.wait(this.queue, this.id, options, this.enqueuedAt) as Promise<
      JobResult<T>
    >;
  }

  /**
   * Reads the result without waiting: `null` while the job is unfinished
   * (or unknown).
   *
   * @example
   * ```ts ignore
   * const result = await job.getResult(); // null while unfinished
   * ```
   */
  async getResult(): Promise<JobResult<T> | null> {
    return ((await this.info())?.result ?? null) as JobResult<T> | null;
  }

  /**
   * Reads the job's state, or `null` when the id is unknown.
   *
   * @example
   * ```ts ignore
   * const info = await job.info();
   * console.log(info?.status, info?.deliveries);
   * ```
   */
  info(): Promise<JobInfo | null> {
    return this.#backend.getJob(this.queue, this.id);
  }

  /**
   * Reads the job's status, or `null` when the id is unknown.
   *
   * @example
   * ```ts ignore
   * console.log(await job.status()); // "queued", "in_progress", "done", …
   * ```
   */
  async status(): Promise<JobStatus | null> {
    return (await this.info())?.status ?? null;
  }
}

/**
 * The producer. Untyped, any actor name and arguments are accepted; typed
 * with a map of actors (`new Repid<typeof actors>(…)`), `enqueueJob` checks
 * the actor's name, its arguments and its result type at compile time.
 *
 * @example
 * ```ts ignore
 * import { Repid } from "@repid/repid";
 *
 * const producer = new Repid("redis://127.0.0.1:6379");
 * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
 * console.log((await job.result).value); // 5
 * await producer.close();
 * ```
 */
export class Repid<A extends ActorMap = AnyActors> {
  readonly #backend: Backend;
  readonly #ownsBackend: boolean;
  readonly #waiter: ResultWaiter;
  readonly #enqueues: EnqueueBatcher;

  /**
   * Creates a producer.
   *
   * @param redis An ioredis client (never closed by the producer; duplicated
   * for the result subscription) or a `redis://` URL, or `memory://name` for
   * the in-memory store shared in this process; `null` when `options.backend`
   * is given.
   * @param options The producer's options.
   */
  constructor(redis: RedisInput | null, options: RepidOptions = {}) {
    const action = "Cannot create producer";
    const prefix = assertPrefix(options.prefix ?? "repid", action);
    const recheckMs = options.recheckMs ?? 5_000;
    assertDuration(recheckMs, "recheckMs", action, 100);
    if (options.backend) {
      this.#backend = options.backend;
      this.#ownsBackend = false;
    } else {
      if (redis === null) throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
      this.#backend = openBackend(redis, { prefix }, action);
      this.#ownsBackend = true;
    }
    this.#waiter = new ResultWaiter(this.#backend, recheckMs);
    const backend = this.#backend;
    this.#enqueues = new EnqueueBatcher((jobs) => backend.enqueue(jobs));
  }

  /**
   * Registers a recurring job (`deferBy` or `cron` given) and returns its
   * {@linkcode Schedule}. Registering the same schedule again (same `jobId`,
   * or without one the same queue, actor and arguments) keeps it, or updates
   * it when a setting changed; it is never duplicated.
   *
   * @example
   * ```ts ignore
   * import { days } from "@repid/repid";
   *
   * const daily = await producer.enqueueJob("good_morning", { deferBy: days(1) });
   * await producer.enqueueJob("report", { cron: "0 9 * * 1-5", tz: "Europe/Berlin" });
   * ```
   */
  enqueueJob<K extends keyof A & string>(
    actor: K,
    options: RecurringOptions<ArgsOf<A[K]>>,
  ): Promise<Schedule<ResultOf<A[K]>>>;
  /** Registers a recurring job for an actor definition. */
  enqueueJob<D extends ActorDefinition>(
    actor: D,
    options: RecurringOptions<ArgsOf<D>>,
  ): Promise<Schedule<ResultOf<D>>>;
  /**
   * Enqueues a job for an actor, by name or by definition.
   *
   * @example
   * ```ts ignore
   * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
   * await producer.enqueueJob("happy_new_year", { deferUntil: new Date("2027-01-01T00:00:00Z") });
   * ```
   */
  enqueueJob<K extends keyof A & string>(
    actor: K,
    ...options: EnqueueArgs<ArgsOf<A[K]>>
  ): Promise<Job<ResultOf<A[K]>>>;
  /** Enqueues a job for an actor definition (its queue is the default queue). */
  enqueueJob<D extends ActorDefinition>(
    actor: D,
    ...options: EnqueueArgs<ArgsOf<D>>
  ): Promise<Job<ResultOf<D>>>;
  async enqueueJob(
    actor: string | ActorDefinition,
    options: EnqueueOptions = {},
  ): Promise<Job<unknown> | Schedule<unknown>> {
    const job = newJob(actor, options);
    const o = options as RecurringSettings;
    if (
      o.deferBy !== undefined || o.cron !== undefined || o.tz !== undefined ||
      o.catchUp !== undefined
    ) {
      return await registerSchedule(
        this.#backend,
        job,
        options,
        (queue, id, name) =>
          new Job({ id, queue, actor: name, created: false }, this.#backend, this.#waiter),
      );
    }
    let outcome;
    this.#waiter.watch(job.queue, job.id); // before the enqueue: its notification is not missed
    try {
      outcome = await this.#enqueues.add(job); // with the others enqueued in this run
    } catch (error) {
      this.#waiter.unwatch(job.queue, [job.id]);
      throw wrapStoreError("enqueue job", error);
    }
    return new Job(
      {
        id: job.id,
        queue: job.queue,
        actor: job.actor,
        created: outcome.created,
        enqueuedAt: outcome.enqueuedAt,
      },
      this.#backend,
      this.#waiter,
    );
  }

  /**
   * Enqueues many jobs in one round trip and returns their handles, in the
   * order given. Every item is validated first: an invalid item rejects the
   * whole call (with a `TypeError`/`RangeError` naming the item's index)
   * before anything is written. The jobs of one queue are written
   * atomically, all or none, by one script call; the calls for different
   * queues are sent together but are separate writes. A custom `jobId`
   * deduplicates as in `enqueueJob`, also within one call (the job's
   * `created` is then `false`). Recurring jobs (`deferBy`, `cron`) are not
   * accepted here. Redis runs one queue's batch as one step, so keep
   * batches to some thousands of jobs (for example 1 000 per call).
   *
   * @example
   * ```ts ignore
   * const jobs = await producer.enqueueJobs([
   *   { actor: "string_length", args: ["hello"] },
   *   { actor: "string_length", args: ["world"], queue: "other" },
   * ]);
   * console.log(jobs.map((job) => job.id));
   * ```
   */
  async enqueueJobs<T extends BulkJob<A>>(
    items: readonly T[],
  ): Promise<Job<BulkResultOf<A, T>>[]> {
    const action = "Cannot enqueue jobs";
    if (!Array.isArray(items)) {
      throw new TypeError(`${action}: expected an array of jobs, got ${typeof items}`);
    }
    const jobs = items.map((item, i) => {
      const at = `${action}: item ${i}`;
      if (item === null || typeof item !== "object") {
        throw new TypeError(`${at}: expected an object with an actor, got ${item}`);
      }
      const o = item as RecurringSettings;
      if (
        o.deferBy !== undefined || o.cron !== undefined || o.tz !== undefined ||
        o.catchUp !== undefined
      ) {
        throw new TypeError(`${at}: recurring jobs (deferBy, cron) need enqueueJob()`);
      }
      return newJob(item.actor, item as EnqueueOptions, at);
    });
    if (jobs.length === 0) return [];
    let outcomes;
    for (const job of jobs) this.#waiter.watch(job.queue, job.id);
    try {
      outcomes = await this.#backend.enqueue(jobs);
    } catch (error) {
      for (const job of jobs) this.#waiter.unwatch(job.queue, [job.id]);
      throw wrapStoreError("enqueue jobs", error);
    }
    return jobs.map((job, i) =>
      new Job<BulkResultOf<A, T>>(
        {
          id: job.id,
          queue: job.queue,
          actor: job.actor,
          created: outcomes[i].created,
          enqueuedAt: outcomes[i].enqueuedAt,
        },
        this.#backend,
        this.#waiter,
      )
    );
  }

  /**
   * A handle on a job by id (for example one enqueued by another process),
   * or `null` when no job with that id exists in the queue.
   *
   * @example
   * ```ts ignore
   * const job = await producer.getJob(id);
   * if (job) console.log(await job.result);
   * ```
   */
  async getJob(id: string, options: { queue?: string } = {}): Promise<Job<unknown> | null> {
    const action = "Cannot get job";
    assertJobId(id, action);
    const queue = assertName("queue", options.queue ?? "default", action);
    const info = await this.#backend.getJob(queue, id);
    if (!info) return null;
    return new Job(
      { id, queue, actor: info.actor, created: false, enqueuedAt: info.enqueuedAt },
      this.#backend,
      this.#waiter,
    );
  }

  /**
   * The recurring jobs of a queue with their next run times, soonest first.
   *
   * @example
   * ```ts ignore
   * for (const s of await producer.schedules({ queue: "default" })) {
   *   console.log(s.id, s.status, s.nextRunAt && new Date(s.nextRunAt));
   * }
   * ```
   */
  schedules(options: { queue?: string } = {}): Promise<ScheduleInfo[]> {
    const queue = assertName("queue", options.queue ?? "default", "Cannot list schedules");
    return this.#backend.listSchedules(queue);
  }

  /**
   * A handle on a recurring job by its schedule id, or `null` when there is
   * no such schedule in the queue.
   *
   * @example
   * ```ts ignore
   * const schedule = await producer.getSchedule("nightly-report");
   * await schedule?.pause();
   * ```
   */
  async getSchedule(
    id: string,
    options: { queue?: string } = {},
  ): Promise<Schedule<unknown> | null> {
    const action = "Cannot get schedule";
    assertJobId(id, action);
    const queue = assertName("queue", options.queue ?? "default", action);
    const info = await this.#backend.getSchedule(queue, id);
    if (!info) return null;
    return new Schedule(
      { id, queue, actor: info.actor, outcome: "kept" },
      this.#backend,
      (q, jobId, name) =>
        new Job({ id: jobId, queue: q, actor: name, created: false }, this.#backend, this.#waiter),
    );
  }

  /**
   * Ends result subscriptions and closes the connections the producer opened.
   *
   * @example
   * ```ts ignore
   * await producer.close();
   * ```
   */
  async close(): Promise<void> {
    await this.#waiter.close();
    if (this.#ownsBackend) await this.#backend.close();
  }
}

/** Validates enqueue arguments and builds the job to store; errors start with `action`. */
export function newJob(
  actor: string | ActorDefinition,
  options: EnqueueOptions,
  action = "Cannot enqueue job",
): NewJob {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${action}: options must be an object, got ${describe(options)}`);
  }
  const def = isActorDefinition(actor) ? actor : undefined;
  const name = assertName("actor", def ? def.name : actor, action);
  const queue = assertName("queue", options.queue ?? def?.queue ?? "default", action);
  const args = options.args ?? [];
  if (!Array.isArray(args)) {
    throw new TypeError(`${action}: args must be an array of arguments, got ${typeof args}`);
  }
  const argsJson = toJson(args, "args", `${action} for actor "${name}"`);
  const dueAt = options.deferUntil === undefined
    ? 0
    : toEpochMs(options.deferUntil, "deferUntil", action);
  const customId = options.jobId !== undefined;
  const id = customId ? assertJobId(options.jobId, action) : crypto.randomUUID();
  let jobOptions: JobOptions | undefined;
  if (options.resultTtlMs !== undefined) {
    jobOptions = { resultTtlMs: assertDuration(options.resultTtlMs, "resultTtlMs", action, 1) };
  }
  if (options.timeoutMs !== undefined) {
    jobOptions = {
      ...jobOptions,
      timeoutMs: assertDuration(options.timeoutMs, "timeoutMs", action, 1),
    };
  }
  return { id, customId, queue, actor: name, argsJson, dueAt, options: jobOptions };
}

function wrapStoreError(action: string, error: unknown): unknown {
  if (error instanceof Error && error.name === "ReplyError") return error;
  return new ConnectionError(action, error);
}

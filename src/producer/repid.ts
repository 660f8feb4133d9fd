/**
 * The producer: enqueues jobs by actor name and hands back {@linkcode Job}
 * handles whose results can be awaited.
 *
 * @module
 */

import type { Backend } from "../backend/backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import { RedisBackend } from "../backend/redis/redis_backend.ts";
import type { JobInfo, JobOptions, JobResult, JobStatus, NewJob } from "../core/job.ts";
import { toJson } from "../core/json.ts";
import { assertJobId, assertName } from "../core/names.ts";
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
import { ResultWaiter, type WaitOptions } from "./result_waiter.ts";

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
  readonly #waiter: ResultWaiter;
  readonly #backend: Backend;

  /** @ignore */
  constructor(
    fields: { id: string; queue: string; actor: string; created: boolean },
    backend: Backend,
    waiter: ResultWaiter,
  ) {
    this.id = fields.id;
    this.queue = fields.queue;
    this.actor = fields.actor;
    this.created = fields.created;
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
    return this.#waiter.wait(this.queue, this.id, options) as Promise<JobResult<T>>;
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

  /**
   * @param redis An ioredis client (never closed by the producer; duplicated
   * for the result subscription) or a `redis://` URL.
   * @param options The producer's options.
   */
  constructor(redis: RedisInput | null, options: RepidOptions = {}) {
    const action = "Cannot create producer";
    const prefix = options.prefix ?? "repid";
    if (typeof prefix !== "string" || prefix === "" || /[{}]/.test(prefix)) {
      throw new TypeError(
        `${action}: prefix ${JSON.stringify(prefix)} must be non-empty, no braces`,
      );
    }
    const recheckMs = options.recheckMs ?? 5_000;
    assertDuration(recheckMs, "recheckMs", action, 100);
    if (options.backend) {
      this.#backend = options.backend;
      this.#ownsBackend = false;
    } else {
      if (redis === null) throw new TypeError(`${action}: give a Redis client, a URL or a backend`);
      this.#backend = new RedisBackend(redis, { prefix });
      this.#ownsBackend = true;
    }
    this.#waiter = new ResultWaiter(this.#backend, recheckMs);
  }

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
  ): Promise<Job<unknown>> {
    const job = newJob(actor, options);
    let outcome;
    try {
      [outcome] = await this.#backend.enqueue([job]);
    } catch (error) {
      throw wrapStoreError("enqueue job", error);
    }
    return new Job(
      { id: job.id, queue: job.queue, actor: job.actor, created: outcome.created },
      this.#backend,
      this.#waiter,
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
    return new Job({ id, queue, actor: info.actor, created: false }, this.#backend, this.#waiter);
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

/** Validates enqueue arguments and builds the job to store. */
export function newJob(actor: string | ActorDefinition, options: EnqueueOptions): NewJob {
  const action = "Cannot enqueue job";
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${action}: options must be an object`);
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

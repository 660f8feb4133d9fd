/**
 * The options of an enqueue (the job's arguments and settings) and their
 * validation into the job the store keeps.
 *
 * @module
 */

import {
  type ActorDefinition,
  type ActorFunction,
  type ActorMap,
  type ArgsOf,
  isActorDefinition,
  type ResultOf,
} from "../core/actor_types.ts";
import type { JobOptions, NewJob } from "../core/job.ts";
import { toJson } from "../core/json.ts";
import { assertJobId, assertName, describe } from "../core/names.ts";
import { assertDuration, toEpochMs } from "../core/time.ts";
import { assertGroup, assertPriority } from "../core/flow.ts";

/** Settings of one job, besides its arguments. */
export interface JobSettings {
  /**
   * The queue to put the job on.
   * @default {"default", or the actor definition's queue}
   */
  queue?: string;
  /**
   * Do not start the job before this time (`Date` or UTC epoch ms, an
   * integer within the ±8.64·10¹⁵ ms a `Date` holds). A past time runs it now.
   * @default {now}
   */
  deferUntil?: Date | number;
  /**
   * A custom id. While a job with this id is unfinished, enqueueing it again
   * returns that job instead of adding another; a finished one is replaced.
   * @default {a random UUID}
   */
  jobId?: string;
  /**
   * For a partitioned queue: the jobs with the same key go to the same
   * partition, so they run in the order they were enqueued (FIFO per key);
   * 1 to 256 characters. Ignored by a queue without partitions.
   * @default {the custom jobId when given (so its deduplication holds), else the group when given (so its limits hold), else the partitions in turn}
   */
  partitionKey?: string;
  /**
   * How long to keep this job's result, in milliseconds: any safe integer ≥ 1.
   * @default {the actor's resultTtlMs, else the worker's (one hour)}
   */
  resultTtlMs?: number;
  /**
   * Stop this job's run after this many milliseconds: any safe integer ≥ 1
   * (limits past the 24.9 days of one timer are kept too).
   * @default {the actor's timeoutMs, else no limit}
   */
  timeoutMs?: number;
  /**
   * The job's priority: an integer from -1000 to 1000. A job of a higher
   * priority starts before the queued jobs of a lower one; jobs of one
   * priority start in the order they were enqueued (see "Flow control").
   * @default {0}
   */
  priority?: number;
  /**
   * The job's group (a tenant, an account): a non-empty string of at most 200
   * bytes. At most the queue's group concurrency of a group's jobs run at once
   * across all workers, and the groups with waiting jobs take turns.
   * @default {undefined (no group)}
   */
  group?: string;
  /**
   * Never start the job after this time (`Date` or UTC epoch ms, compared with
   * the store's clock): if it has not started by then, it ends `dead` with
   * reason `expired`. A job already running is not affected.
   * @default {undefined (never expires)}
   */
  expiresAt?: Date | number;
  /**
   * Like `expiresAt`, counted from when the store takes the job: a safe
   * integer of milliseconds ≥ 1.
   * @default {undefined (never expires)}
   */
  expiresInMs?: number;
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

/**
 * The actor named by `T` in the actor map `A`, or the definition `T` itself.
 *
 * @example
 * ```ts
 * import type { ActorOf } from "@repid/repid";
 *
 * type Actors = { hello: (name: string) => Promise<string> };
 * type Hello = ActorOf<Actors, "hello">; // (name: string) => Promise<string>
 * ```
 */
export type ActorOf<A, T> = T extends keyof A ? A[T] : T;

/** The actor map of an untyped producer: any name, any arguments. */
export type AnyActors = Record<string, ActorFunction>;

/**
 * One job of {@linkcode Repid.enqueueJobs}: the actor (a name or a
 * definition) and the same options as `enqueueJob` (arguments and
 * settings). With a typed producer, the name and arguments are checked.
 *
 * @example
 * ```ts
 * import { type BulkJob, Repid } from "@repid/repid";
 *
 * const producer = new Repid("memory://");
 * const items: BulkJob[] = [{ actor: "string_length", args: ["hello"] }];
 * await producer.enqueueJobs(items);
 * await producer.close();
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
 * ```ts
 * import { Repid, Worker } from "@repid/repid";
 *
 * const worker = new Worker("memory://", { logger: "silent" });
 * worker.actor(async function string_length(s: string) {
 *   return s.length;
 * });
 * const running = worker.runForever({ handleSignals: false });
 * const producer = new Repid("memory://");
 * const jobs = await producer.enqueueJobs([{ actor: "string_length", args: ["hi"] }]);
 * const value = (await jobs[0].result).value; // BulkResultOf<typeof actors, …>: number
 * console.log(value); // 2
 * await worker.stop();
 * await running;
 * await producer.close();
 * ```
 */
export type BulkResultOf<A extends ActorMap, T> = T extends { actor: infer K }
  ? K extends ActorDefinition ? ResultOf<K> : K extends keyof A ? ResultOf<A[K]> : unknown
  : unknown;

/**
 * Whether `options` asks for a recurring job (`deferBy`, `cron`, `tz` or
 * `catchUp` given).
 *
 * @example
 * ```ts
 * import { isRecurring } from "./enqueue_options.ts";
 *
 * console.assert(isRecurring({ deferBy: 60_000 }) && !isRecurring({ args: [1] }));
 * ```
 */
export function isRecurring(options: object): boolean {
  const o = options as { deferBy?: unknown; cron?: unknown; tz?: unknown; catchUp?: unknown };
  return o.deferBy !== undefined || o.cron !== undefined || o.tz !== undefined ||
    o.catchUp !== undefined;
}

/**
 * Validates enqueue arguments and builds the job to store; errors start with
 * `action`.
 *
 * @example
 * ```ts
 * import { newJob } from "./enqueue_options.ts";
 *
 * const job = newJob("string_length", { args: ["hello"], queue: "text" });
 * console.assert(job.queue === "text" && job.argsJson === `["hello"]`);
 * ```
 */
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
  const flow = flowOptions(options, action);
  if (flow) jobOptions = { ...jobOptions, ...flow };
  return { id, customId, queue, actor: name, argsJson, dueAt, options: jobOptions };
}

/**
 * Validates the flow settings of a job (`priority`, `group`, `expiresAt`,
 * `expiresInMs`) into the options stored with it, or `undefined` when none
 * is given (a priority of 0 is not stored); errors start with `action`.
 *
 * @example
 * ```ts
 * import { flowOptions } from "./enqueue_options.ts";
 *
 * console.log(flowOptions({ priority: 5, group: "a" }, "Cannot enqueue job"));
 * ```
 */
export function flowOptions(
  options: Pick<JobSettings, "priority" | "group" | "expiresAt" | "expiresInMs">,
  action: string,
): JobOptions | undefined {
  let out: JobOptions | undefined;
  if (options.priority !== undefined) {
    const priority = assertPriority(options.priority, action);
    if (priority !== 0) out = { priority };
  }
  if (options.group !== undefined) out = { ...out, group: assertGroup(options.group, action) };
  if (options.expiresAt !== undefined && options.expiresInMs !== undefined) {
    throw new TypeError(`${action}: give expiresAt or expiresInMs, not both`);
  }
  if (options.expiresAt !== undefined) {
    out = { ...out, expiresAt: toEpochMs(options.expiresAt, "expiresAt", action) };
  }
  if (options.expiresInMs !== undefined) {
    out = { ...out, expiresInMs: assertDuration(options.expiresInMs, "expiresInMs", action, 1) };
  }
  return out;
}

/**
 * The `partitionKey` of `options`, checked: when not given, the `group`
 * (unless a custom `jobId` is given), else `undefined`.
 *
 * @example
 * ```ts
 * import { partitionKeyOf } from "./enqueue_options.ts";
 *
 * console.assert(partitionKeyOf({ partitionKey: "customer-42" }, "Cannot enqueue job") === "customer-42");
 * ```
 */
export function partitionKeyOf(options: JobSettings, action: string): string | undefined {
  const key = options.partitionKey;
  if (key === undefined) {
    // a group's jobs share one partition, so that its limits hold across the queue's partitions
    return options.jobId === undefined && typeof options.group === "string" && options.group !== ""
      ? options.group
      : undefined;
  }
  if (typeof key !== "string" || key.length === 0 || key.length > 256) {
    throw new TypeError(
      `${action}: partitionKey must be a string of 1 to 256 characters, got ${
        typeof key === "string" ? `${key.length} characters` : describe(key)
      }`,
    );
  }
  return key;
}

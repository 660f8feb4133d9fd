/**
 * The producer: enqueues jobs by actor name and hands back {@linkcode Job}
 * handles whose results can be awaited.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { RedisInput } from "../backend/redis/connection.ts";
import type { JobInfo, JobResult, JobStatus, NewJob } from "../core/job.ts";
import { type ActorDefinition, type ActorFunction, type ActorMap, type ArgsOf, type ResultOf } from "../worker/actor.ts";
import { ResultWaiter, type WaitOptions } from "./result_waiter.ts";
import type { ScheduleInfo } from "../core/schedule.ts";
import { type RecurringOptions, Schedule } from "./schedule.ts";
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
export type EnqueueOptions<Args extends unknown[] = unknown[]> = JobSettings & ([] extends Args ? {
    /**
     * The actor's arguments, as JSON values.
     * @default {[]}
     */
    args?: Args;
} : {
    /** The actor's arguments, as JSON values. */
    args: Args;
});
/** The options argument of `enqueueJob`: optional only when the actor needs no arguments. */
export type EnqueueArgs<Args extends unknown[]> = [] extends Args ? [options?: EnqueueOptions<Args>] : [options: EnqueueOptions<Args>];
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
export type BulkJob<A extends ActorMap = AnyActors> = ({
    [K in keyof A & string]: {
        actor: K;
    } & EnqueueOptions<ArgsOf<A[K]>>;
}[keyof A & string] | ({
    actor: ActorDefinition;
} & EnqueueOptions)) & {
    deferBy?: never;
    cron?: never;
    tz?: never;
    catchUp?: never;
};
/**
 * The result type of the jobs of one {@linkcode BulkJob} type.
 *
 * @example
 * ```ts ignore
 * const jobs = await producer.enqueueJobs([{ actor: "string_length", args: ["hi"] }]);
 * const value = (await jobs[0].result).value; // BulkResultOf<typeof actors, …>: number
 * ```
 */
export type BulkResultOf<A extends ActorMap, T> = T extends {
    actor: infer K;
} ? K extends ActorDefinition ? ResultOf<K> : K extends keyof A ? ResultOf<A[K]> : unknown : unknown;
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
export declare class Job<T = unknown> {
    #private;
    /** The job's id. */
    readonly id: string;
    /** The job's queue. */
    readonly queue: string;
    /** The actor's name. */
    readonly actor: string;
    /** `false` when an unfinished job with this custom id already existed. */
    readonly created: boolean;
    /** @ignore */
    constructor(fields: {
        id: string;
        queue: string;
        actor: string;
        created: boolean;
    }, backend: Backend, waiter: ResultWaiter);
    /** Waits until the job has finished and resolves with its result. */
    get result(): Promise<JobResult<T>>;
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
    waitResult(options?: WaitOptions): Promise<JobResult<T>>;
    /**
     * Reads the result without waiting: `null` while the job is unfinished
     * (or unknown).
     *
     * @example
     * ```ts ignore
     * const result = await job.getResult(); // null while unfinished
     * ```
     */
    getResult(): Promise<JobResult<T> | null>;
    /**
     * Reads the job's state, or `null` when the id is unknown.
     *
     * @example
     * ```ts ignore
     * const info = await job.info();
     * console.log(info?.status, info?.deliveries);
     * ```
     */
    info(): Promise<JobInfo | null>;
    /**
     * Reads the job's status, or `null` when the id is unknown.
     *
     * @example
     * ```ts ignore
     * console.log(await job.status()); // "queued", "in_progress", "done", …
     * ```
     */
    status(): Promise<JobStatus | null>;
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
export declare class Repid<A extends ActorMap = AnyActors> {
    #private;
    /**
     * Creates a producer.
     *
     * @param redis An ioredis client (never closed by the producer; duplicated
     * for the result subscription) or a `redis://` URL, or `memory://name` for
     * the in-memory store shared in this process; `null` when `options.backend`
     * is given.
     * @param options The producer's options.
     */
    constructor(redis: RedisInput | null, options?: RepidOptions);
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
    enqueueJob<K extends keyof A & string>(actor: K, options: RecurringOptions<ArgsOf<A[K]>>): Promise<Schedule<ResultOf<A[K]>>>;
    /** Registers a recurring job for an actor definition. */
    enqueueJob<D extends ActorDefinition>(actor: D, options: RecurringOptions<ArgsOf<D>>): Promise<Schedule<ResultOf<D>>>;
    /**
     * Enqueues a job for an actor, by name or by definition.
     *
     * @example
     * ```ts ignore
     * const job = await producer.enqueueJob("string_length", { args: ["hello"] });
     * await producer.enqueueJob("happy_new_year", { deferUntil: new Date("2027-01-01T00:00:00Z") });
     * ```
     */
    enqueueJob<K extends keyof A & string>(actor: K, ...options: EnqueueArgs<ArgsOf<A[K]>>): Promise<Job<ResultOf<A[K]>>>;
    /** Enqueues a job for an actor definition (its queue is the default queue). */
    enqueueJob<D extends ActorDefinition>(actor: D, ...options: EnqueueArgs<ArgsOf<D>>): Promise<Job<ResultOf<D>>>;
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
    enqueueJobs<T extends BulkJob<A>>(items: readonly T[]): Promise<Job<BulkResultOf<A, T>>[]>;
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
    getJob(id: string, options?: {
        queue?: string;
    }): Promise<Job<unknown> | null>;
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
    schedules(options?: {
        queue?: string;
    }): Promise<ScheduleInfo[]>;
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
    getSchedule(id: string, options?: {
        queue?: string;
    }): Promise<Schedule<unknown> | null>;
    /**
     * Ends result subscriptions and closes the connections the producer opened.
     *
     * @example
     * ```ts ignore
     * await producer.close();
     * ```
     */
    close(): Promise<void>;
}
/** Validates enqueue arguments and builds the job to store; errors start with `action`. */
export declare function newJob(actor: string | ActorDefinition, options: EnqueueOptions, action?: string): NewJob;

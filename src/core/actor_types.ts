/**
 * The types of actors that both sides use: what an actor is and sees, and
 * the types that tie an actor's name to its arguments and result. The
 * worker defines and runs actors (`src/worker/actor.ts`); producers only
 * need these.
 *
 * @module
 */

import type { Backoff } from "./backoff.ts";

/** What an actor sees of the job it runs, as `this`. */
export interface JobContext {
  /** The job's id. */
  readonly jobId: string;
  /** The job's queue (for a partitioned queue, its logical name). */
  readonly queue: string;
  /** The job's partition of its queue (0 when the queue is not partitioned). */
  readonly partition: number;
  /** The actor's name. */
  readonly actor: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** How many times the job was taken from its queue, counting this time. */
  readonly deliveries: number;
  /**
   * Aborts when the job times out, the worker shuts down, or the worker lost
   * the job's lease. Pass it on to `fetch()` and other cancellable work.
   */
  readonly signal: AbortSignal;
  /**
   * Reports the job's progress: any JSON value (a number from 0 to 100, an
   * object…). The latest value is stored on the job (`job.progress()`,
   * `JobInfo.progress`) and announced to `job.onProgress()` and the queue's
   * `events()`; calls are coalesced (at most one store write per 100 ms), so
   * a tight loop may call it freely. Throws a `TypeError` for a value that
   * is not JSON. Sync actors on threads have it too.
   */
  progress(value: unknown): void;
}

/** Any function usable as an actor. */
// deno-lint-ignore no-explicit-any
export type ActorFunction = (this: JobContext, ...args: any[]) => unknown;

/** Options of one actor. */
export interface ActorOptions {
  /**
   * The actor's name, which producers enqueue by.
   * @default {the function's name}
   */
  name?: string;
  /**
   * The queue the actor's jobs are taken from.
   * @default {"default"}
   */
  queue?: string;
  /**
   * How many partitions the queue has (1 to 256): a partitioned queue is one
   * logical queue over that many physical ones, each in a Redis Cluster slot
   * of its own, so one busy queue can use every master. Every actor of a queue
   * on every worker must declare the same count; the first worker to start
   * records it in the store, producers read it from there. See the README's
   * "Partitioned queues".
   * @default {1}
   */
  partitions?: number;
  /**
   * How many more times to run a failing job after its first failure, on the
   * same worker.
   * @default {0}
   */
  retries?: number;
  /**
   * The delay before each retry.
   * @default {no delay}
   */
  backoff?: Backoff;
  /**
   * How long a finished job's result is kept, in milliseconds: any safe
   * integer ≥ 1.
   * @default {the worker's resultTtlMs (one hour)}
   */
  resultTtlMs?: number;
  /**
   * Stop a run after this many milliseconds: its `signal` aborts and the
   * attempt fails with a `TimeoutError` (retried if retries remain). Any safe
   * integer ≥ 1: limits past the 24.9 days of one timer are kept too.
   * @default {no limit}
   */
  timeoutMs?: number;
  /**
   * At most this many jobs of one group (the `group` given on enqueue) of the
   * actor's queue run at once, across all workers: a safe integer ≥ 1. A
   * limit stored on the queue (`producer.queue(q).setGroupLimits()`) wins;
   * the actors of one queue share one limit (the worker sends the largest).
   * @default {no limit (groups only take turns)}
   */
  groupConcurrency?: number;
}

/**
 * Options of a sync actor: a function exported from a module that runs on the
 * worker's pool of threads (see {@linkcode defineActor}).
 */
export interface ModuleActorOptions extends ActorOptions {
  /**
   * The actor's name, which producers enqueue by. Required for the default
   * export.
   * @default {the export's name, when `export` is given}
   */
  name?: string;
  /**
   * The name of the exported function to run.
   * @default {"default"}
   */
  export?: string;
  /**
   * Stop a run after this many milliseconds, counted from the moment a thread
   * starts it: the thread is terminated and replaced, and the attempt fails
   * with a `TimeoutError` (retried if retries remain). Any safe integer ≥ 1.
   * @default {no limit}
   */
  timeoutMs?: number;
}

/** A function together with its actor options, from {@linkcode defineActor}. */
export interface ActorDefinition<F extends ActorFunction = ActorFunction> {
  /** Marks the object as an actor definition. */
  readonly kind: "repid.actor";
  /** The actor's name. */
  readonly name: string;
  /** The actor's queue. */
  readonly queue: string;
  /**
   * The function that runs each job. For a sync actor (from a module URL) a
   * stand-in that throws: the real function runs in a thread.
   */
  readonly fn: F;
  /** The validated options. */
  readonly options: Readonly<ActorOptions | ModuleActorOptions>;
  /** For a sync actor: the URL (`href`) of the module that exports its function. */
  readonly module?: string;
  /** For a sync actor: the name of the export to run (`"default"` for the default export). */
  readonly exportName?: string;
}

/** Whether `value` is an {@linkcode ActorDefinition}. */
export function isActorDefinition(value: unknown): value is ActorDefinition {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "repid.actor";
}

/** Something that names an actor's type: its function or its definition. */
export type ActorLike = ActorFunction | ActorDefinition;

/**
 * A map from actor name to its function or definition, such as the type of a
 * module of actors (`typeof import("./actors.ts")`).
 */
export type ActorMap = Record<string, ActorLike>;

/** The function of an actor-like type. */
export type FunctionOf<A> = A extends ActorDefinition<infer F> ? F
  : A extends ActorFunction ? A
  : never;

/** The argument tuple of an actor-like type. */
export type ArgsOf<A> = Parameters<FunctionOf<A>>;

/** The resolved result type of an actor-like type. */
export type ResultOf<A> = Awaited<ReturnType<FunctionOf<A>>>;

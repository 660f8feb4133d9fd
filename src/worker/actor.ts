/**
 * Actors: named job handlers, their options, and the types that tie an
 * actor's name to its arguments and result.
 *
 * @module
 */

import { type Backoff, validateBackoff } from "../core/backoff.ts";
import { assertName } from "../core/names.ts";
import { assertCount, assertDuration } from "../core/time.ts";

/** What an actor sees of the job it runs, as `this`. */
export interface JobContext {
  /** The job's id. */
  readonly jobId: string;
  /** The job's queue. */
  readonly queue: string;
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
   * How long a finished job's result is kept, in milliseconds.
   * @default {the worker's resultTtlMs (one day)}
   */
  resultTtlMs?: number;
  /**
   * Stop a run after this many milliseconds: its `signal` aborts and the
   * attempt fails with a `TimeoutError` (retried if retries remain).
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
  /** The function that runs each job. */
  readonly fn: F;
  /** The validated options. */
  readonly options: Readonly<ActorOptions>;
}

/**
 * Binds a function to its actor options so that one module can export it to
 * workers (`deno task worker`, `worker.actor()`) and to typed producers.
 *
 * @example
 * ```ts
 * import { defineActor } from "@repid/repid";
 *
 * export const hello = defineActor(async function hello(name: string) {
 *   return `hello ${name}`;
 * }, { queue: "myqueue", retries: 3 });
 * ```
 *
 * @param fn The function that runs each job; its `this` is the {@linkcode JobContext}.
 * @param options The actor's options.
 * @returns The definition.
 */
export function defineActor<F extends ActorFunction>(
  fn: F,
  options: ActorOptions = {},
): ActorDefinition<F> {
  const action = "Cannot define actor";
  if (typeof fn !== "function") {
    throw new TypeError(`${action}: expected a function, got ${typeof fn}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${action}: options must be an object`);
  }
  const name = assertName(
    "actor",
    options.name ?? fn.name,
    `${action} ${fn.name || "(anonymous)"}`,
  );
  const queue = assertName("queue", options.queue ?? "default", `${action} "${name}"`);
  const where = `${action} "${name}"`;
  if (options.retries !== undefined) assertCount(options.retries, "retries", where);
  validateBackoff(options.backoff, where);
  if (options.resultTtlMs !== undefined) {
    assertDuration(options.resultTtlMs, "resultTtlMs", where, 1);
  }
  if (options.timeoutMs !== undefined) assertDuration(options.timeoutMs, "timeoutMs", where, 1);
  return Object.freeze({
    kind: "repid.actor" as const,
    name,
    queue,
    fn,
    options: Object.freeze({ ...options, name, queue }),
  });
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

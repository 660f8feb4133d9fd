/**
 * Actors: named job handlers, their options, and the types that tie an
 * actor's name to its arguments and result.
 *
 * @module
 */

import { type Backoff, validateBackoff } from "../core/backoff.ts";
import { assertName, describe } from "../core/names.ts";
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
   * with a `TimeoutError` (retried if retries remain).
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

/**
 * Binds a function to its actor options so that one module can export it to
 * workers (`deno task worker`, `worker.actor()`) and to typed producers.
 *
 * Given a module URL instead of a function, defines a sync actor: the
 * module's export (the default one unless `options.export` names another)
 * runs on the worker's pool of threads, so CPU-bound work never blocks the
 * event loop. Its arguments and result are JSON, as for any actor; its `this`
 * holds the {@linkcode JobContext} fields. Name the function's type as the
 * type parameter so that typed producers know its arguments and result.
 *
 * @example Async actor
 * ```ts
 * import { defineActor } from "@repid/repid";
 *
 * export const hello = defineActor(async function hello(name: string) {
 *   return `hello ${name}`;
 * }, { queue: "myqueue", retries: 3 });
 * ```
 *
 * @example Sync actor on a thread
 * ```ts ignore
 * import { defineActor } from "@repid/repid";
 *
 * // count_file_length.ts: export default function (path: string): number { … }
 * export const countFileLength = defineActor<typeof import("./count_file_length.ts").default>(
 *   new URL("./count_file_length.ts", import.meta.url),
 *   { name: "count_file_length", timeoutMs: 10_000 },
 * );
 * ```
 *
 * @param fn The function that runs each job; its `this` is the {@linkcode JobContext}.
 * @param options The actor's options.
 * @returns The definition.
 */
export function defineActor<F extends ActorFunction>(
  fn: F,
  options?: ActorOptions,
): ActorDefinition<F>;
/**
 * Defines a sync actor: a function exported from the module at `module`,
 * run on the worker's pool of threads.
 *
 * @param module The module's URL, such as `new URL("./resize.ts", import.meta.url)`.
 * @param options The actor's options; `name` is required for a default export.
 * @returns The definition.
 */
export function defineActor<F extends ActorFunction = ActorFunction>(
  module: URL,
  options: ModuleActorOptions,
): ActorDefinition<F>;
export function defineActor<F extends ActorFunction>(
  fn: F | URL,
  options: ActorOptions | ModuleActorOptions = {},
): ActorDefinition<F> {
  if (fn instanceof URL) return defineModuleActor<F>(fn, options);
  const action = "Cannot define actor";
  if (typeof fn !== "function") {
    throw new TypeError(
      `${action}: expected a function, or a module URL (new URL(…)) for a sync actor, got ${typeof fn}`,
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${action}: options must be an object, got ${describe(options)}`);
  }
  const name = assertName(
    "actor",
    options.name ?? fn.name,
    `${action} ${fn.name || "(anonymous)"}`,
  );
  const queue = assertName("queue", options.queue ?? "default", `${action} "${name}"`);
  const where = `${action} "${name}"`;
  validateCommon(options, where);
  return Object.freeze({
    kind: "repid.actor" as const,
    name,
    queue,
    fn,
    options: Object.freeze({ ...options, name, queue }),
  });
}

function validateCommon(options: ActorOptions, where: string): void {
  if (options.retries !== undefined) assertCount(options.retries, "retries", where);
  validateBackoff(options.backoff, where);
  if (options.resultTtlMs !== undefined) {
    assertDuration(options.resultTtlMs, "resultTtlMs", where, 1);
  }
  if (options.timeoutMs !== undefined) assertDuration(options.timeoutMs, "timeoutMs", where, 1);
}

function defineModuleActor<F extends ActorFunction>(
  module: URL,
  options: ModuleActorOptions,
): ActorDefinition<F> {
  const action = `Cannot define actor from module ${module.href}`;
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${action}: options must be an object, got ${describe(options)}`);
  }
  const exportName = options.export ?? "default";
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(
      `${action}: options.export must be the name of an exported function, got ${
        JSON.stringify(exportName) ?? String(exportName)
      }`,
    );
  }
  if (options.name === undefined && exportName === "default") {
    throw new TypeError(
      `${action}: options.name is required for the default export (or name the export in options.export)`,
    );
  }
  const name = assertName("actor", options.name ?? exportName, action);
  const where = `Cannot define actor "${name}"`;
  const queue = assertName("queue", options.queue ?? "default", where);
  validateCommon(options, where);
  const href = module.href;
  const fn = function () {
    throw new TypeError(
      `Cannot call actor "${name}" directly: it runs on a thread (export "${exportName}" of ${href})`,
    );
  } as unknown as F;
  return Object.freeze({
    kind: "repid.actor" as const,
    name,
    queue,
    fn,
    options: Object.freeze({ ...options, name, queue, export: exportName }),
    module: href,
    exportName,
  });
}

/**
 * The definition `worker.actor()` registers: `input` as is, or defined anew
 * with `options` merged over its own.
 */
export function toActorDefinition<F extends ActorFunction>(
  input: F | URL | ActorDefinition<F>,
  options?: ActorOptions | ModuleActorOptions,
): ActorDefinition<F> {
  if (!isActorDefinition(input)) {
    return input instanceof URL
      ? defineActor<F>(input, options ?? {})
      : defineActor(input, options);
  }
  if (!options) return input;
  const merged = { ...input.options, ...options };
  return input.module !== undefined
    ? defineActor<F>(new URL(input.module), merged)
    : defineActor(input.fn, merged);
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

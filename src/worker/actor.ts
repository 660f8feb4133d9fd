/**
 * Actors: defining named job handlers (`defineActor`) and the definition a
 * worker registers. Their types, which producers need too, are in
 * `src/core/actor_types.ts`.
 *
 * @module
 */

import {
  type ActorDefinition,
  type ActorFunction,
  type ActorOptions,
  isActorDefinition,
  type ModuleActorOptions,
} from "../core/actor_types.ts";
import { validateBackoff } from "../core/backoff.ts";
import { assertName, describe } from "../core/names.ts";
import { assertCount, assertDuration } from "../core/time.ts";
import { assertPositive } from "../core/flow.ts";
import { assertPartitions } from "../core/partitions.ts";

export {
  type ActorDefinition,
  type ActorFunction,
  type ActorLike,
  type ActorMap,
  type ActorOptions,
  type ArgsOf,
  type FunctionOf,
  isActorDefinition,
  type JobContext,
  type ModuleActorOptions,
  type ResultOf,
} from "../core/actor_types.ts";

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
  if (options.groupConcurrency !== undefined) {
    assertPositive(options.groupConcurrency, "groupConcurrency", where);
  }
  if (options.partitions !== undefined) assertPartitions(options.partitions, where);
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
